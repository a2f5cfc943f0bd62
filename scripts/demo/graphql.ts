// A minimal GraphQL-over-HTTP client for the scripts (demo seed, bench): POST JSON, Bearer token.

export interface GraphqlErrorEntry {
  message: string;
  extensions?: { code?: string; fields?: { field: string; message: string }[] };
}

export class GraphqlError extends Error {
  constructor(readonly errors: GraphqlErrorEntry[], readonly status: number) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}${e.extensions?.fields ? ` ${JSON.stringify(e.extensions.fields)}` : ''}`).join('; '));
  }

  get code(): string | undefined {
    return this.errors[0]?.extensions?.code;
  }
}

/** Runs one operation; resolves with `data`, rejects with GraphqlError on any GraphQL error. */
export async function graphql<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
  timeoutMs = 60_000,
): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let body: { data?: T | null; errors?: GraphqlErrorEntry[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new Error(`HTTP ${res.status} from ${url}: ${text.slice(0, 300)}`);
  }
  if (body.errors?.length) throw new GraphqlError(body.errors, res.status);
  if (!body.data) throw new Error(`HTTP ${res.status} from ${url} without data`);
  return body.data;
}
