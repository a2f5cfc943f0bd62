import { serverAudits } from 'graphql-http';
import { gatewayDataSource } from '../apps/gateway/src/common/database.provider';
import { DEFAULT_LIMITS } from '../apps/gateway/src/common/limits';
import { Group, provisionGroup } from './support/fixtures';
import { Stack, temporalAddress } from './support/stack';

/** Every limit of the gateway, against the real gateway over HTTP (issue 7: "No limits"). */

const HIGH = { userPerMinute: 1_000_000, tenantPerMinute: 1_000_000, anonymousPerMinute: 1_000_000 };

interface Raw {
  status: number;
  headers: Headers;
  body: { data?: unknown; errors?: { message: string; extensions: Record<string, any> }[] };
}

async function post(url: string, body: string | object, token?: string, headers: Record<string, string> = {}): Promise<Raw> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: JSON.parse(text) as Raw['body'] };
}

/** `complaints { edges { node { branch { company { branches { company … } } } } } }` with `depth` levels. */
function deepQuery(depth: number): string {
  let inner = 'id';
  let level = 3; // complaints > edges > node
  const chain: string[] = [];
  for (let i = 0; level + chain.length < depth - 1; i++) chain.push(i === 0 ? 'branch' : i % 2 === 1 ? 'company' : 'branches');
  for (const f of chain.reverse()) inner = `${f} { ${inner} }`;
  return `{ complaints(first: 1) { edges { node { ${inner} } } } }`;
}

describe('limits: query complexity, body size, rates, fair sharing, development mode, GraphQL over HTTP', () => {
  let stack: Stack;
  let a: Group;
  let b: Group;
  let devUrl: string;

  beforeAll(async () => {
    stack = await Stack.start('limits', { worker: 'none', gateway: { limits: HIGH } });
    a = await provisionGroup(stack, 'Group A', 'pm-branch', 'LA01');
    b = await provisionGroup(stack, 'Group B', 'pm-branch', 'LB01');
    devUrl = await stack.extraGateway({ development: true, limits: HIGH });
  });
  afterAll(() => stack?.stop());

  it('refuses a depth-30 query before it runs, naming the depth and the limit', async () => {
    const r = await post(stack.url, { query: deepQuery(30) }, a.tokens.headOffice);
    expect(r.status).toBe(200); // application/json: a GraphQL request error is answered 200
    expect(r.body.data ?? null).toBeNull();
    const e = r.body.errors!.find((x) => x.extensions.code === 'QUERY_TOO_COMPLEX');
    expect(e?.message).toBe(`query depth 30 exceeds the limit of ${DEFAULT_LIMITS.maxDepth}`);
    // The same query at the limit is accepted.
    const ok = await post(stack.url, { query: deepQuery(DEFAULT_LIMITS.maxDepth) }, a.tokens.headOffice);
    expect(ok.body.errors).toBeUndefined();
  });

  it("refuses 1,000 aliases of complaints(first: 100) while another tenant's normal query succeeds", async () => {
    const aliases = (n: number): string => Array.from({ length: n }, (_, i) => `c${i}: complaints(first: 100) { edges { node { id reference } } }`).join(' ');
    const normalQuery = { query: '{ complaints(first: 20) { totalCount edges { node { id reference status } } } }' };
    const [attack, smaller, normal] = await Promise.all([
      post(stack.url, { query: `{ ${aliases(1000)} }` }, a.tokens.headOffice),
      post(stack.url, { query: `{ ${aliases(100)} }` }, a.tokens.headOffice),
      post(stack.url, normalQuery, b.tokens.headOffice),
    ]);
    // 1,000 aliases are refused by the length of the query text already, …
    expect(attack.body.errors!.map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
    expect(attack.body.errors![0].message).toMatch(new RegExp(`^query length \\d+ characters exceeds the limit of ${DEFAULT_LIMITS.maxQueryChars}$`));
    // … 100 by the alias and cost limits, each named.
    expect(new Set(smaller.body.errors!.map((e) => e.extensions.code))).toEqual(new Set(['QUERY_TOO_COMPLEX']));
    const messages = smaller.body.errors!.map((e) => e.message);
    expect(messages).toContain(`alias count 100 exceeds the limit of ${DEFAULT_LIMITS.maxAliases}`);
    expect(messages.some((m) => new RegExp(`^query cost \\d+ exceeds the limit of ${DEFAULT_LIMITS.maxCost}$`).test(m))).toBe(true);
    expect(normal.body.errors).toBeUndefined();
    expect((normal.body.data as { complaints: { totalCount: number } }).complaints.totalCount).toBe(0);
  });

  it('refuses 10,000 aliased me { roles } without running them, and a long query by its token count', async () => {
    const huge = Array.from({ length: 10_000 }, (_, i) => `m${i}:me{roles{role}}`).join(' ');
    const r = await post(stack.url, { query: `{ ${huge} }` }, a.tokens.headOffice, { accept: 'application/graphql-response+json' });
    expect(r.status).toBe(400);
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors![0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(r.body.errors![0].message).toMatch(new RegExp(`exceeds the limit of ${DEFAULT_LIMITS.maxQueryChars}$`));
    // Short enough in characters, too many tokens: the parser stops at the limit.
    const many = Array.from({ length: 600 }, (_, i) => `m${i}:me{id}`).join(' ');
    const t = await post(stack.url, { query: `{${many}}` }, a.tokens.headOffice);
    expect(t.body.errors!.map((e) => [e.extensions.code, e.message])).toEqual([['QUERY_TOO_COMPLEX', `query token count exceeds the limit of ${DEFAULT_LIMITS.maxTokens}`]]);
    // A batch is not accepted.
    const batch = await post(stack.url, [{ query: '{ health }' }, { query: '{ health }' }]);
    expect(batch.status).toBe(400);
    expect(batch.body.errors![0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('answers a 10 MB body with 413 and a GraphQL error', async () => {
    const r = await post(stack.url, { query: '{ health }', variables: { pad: 'x'.repeat(10 * 1024 * 1024) } }, a.tokens.headOffice);
    expect(r.status).toBe(413);
    expect(r.body.errors).toHaveLength(1);
    expect(typeof r.body.errors![0].message).toBe('string');
  });

  it('answers a burst over the per-user and per-tenant rates with 429 RATE_LIMITED and retry-after', async () => {
    const url = await stack.extraGateway({ limits: { ...HIGH, userPerMinute: 3, tenantPerMinute: 5 } });
    const me = { query: '{ me { id } }' };
    for (let i = 0; i < 3; i++) expect((await post(url, me, a.tokens.dispatcher)).body.errors).toBeUndefined();
    const over = await post(url, me, a.tokens.dispatcher);
    expect(over.status).toBe(429);
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(over.body.errors).toHaveLength(1);
    expect(over.body.errors![0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfter });
    expect(over.body.errors![0].message).toMatch(/this user's limit of 3 requests per minute/);
    // Another user of the same tenant: two more, then the tenant's 5 per minute are used up.
    for (let i = 0; i < 2; i++) expect((await post(url, me, a.tokens.handler)).body.errors).toBeUndefined();
    const tenantOver = await post(url, me, a.tokens.handler);
    expect(tenantOver.status).toBe(429);
    expect(tenantOver.body.errors![0].extensions.code).toBe('RATE_LIMITED');
    expect(tenantOver.body.errors![0].message).toMatch(/organisation's limit of 5 requests per minute/);
    // Another tenant is not affected.
    expect((await post(url, me, b.tokens.dispatcher)).body.errors).toBeUndefined();
    // Without a token: per IP.
    const anonUrl = await stack.extraGateway({ limits: { ...HIGH, anonymousPerMinute: 2 } });
    for (let i = 0; i < 2; i++) expect((await post(anonUrl, { query: '{ health }' })).status).toBe(200);
    expect((await post(anonUrl, { query: '{ health }' })).status).toBe(429);
  });

  it('counts the console\'s .xlsx exports against the same per-user rate as GraphQL, refused with a JSON 429', async () => {
    const url = await stack.extraGateway({ limits: { ...HIGH, userPerMinute: 3 } });
    const exportUrl = new URL('/console/export/overdue.xlsx', url).toString();
    const get = (): Promise<Response> => fetch(exportUrl, { headers: { authorization: `Bearer ${a.tokens.headOffice}` } });
    for (let i = 0; i < 2; i++) {
      const ok = await get();
      expect(ok.status).toBe(200);
      await ok.arrayBuffer();
    }
    // The third request of the minute is a GraphQL one: allowed; then both kinds are refused.
    expect((await post(url, { query: '{ me { id } }' }, a.tokens.headOffice)).body.errors).toBeUndefined();
    const over = await get();
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await over.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.message).toMatch(/this user's limit of 3 requests per minute/);
    expect((await post(url, { query: '{ me { id } }' }, a.tokens.headOffice)).status).toBe(429);
    // Another tenant's head office still exports.
    const other = await fetch(exportUrl, { headers: { authorization: `Bearer ${b.tokens.headOffice}` } });
    expect(other.status).toBe(200);
  });

  it('refuses introspection and does not serve GraphiQL outside development mode', async () => {
    const q = { query: '{ __schema { types { name } } }' };
    const r = await post(stack.url, q);
    expect(r.body.data ?? null).toBeNull();
    expect(r.body.errors![0].message).toMatch(/introspection has been disabled/);
    expect(JSON.stringify(r.body)).not.toMatch(/ComplaintConnection/);
    expect((await post(stack.url, { query: '{ __type(name: "Complaint") { fields { name } } }' })).body.errors![0].message).toMatch(/introspection/);
    expect((await fetch(stack.url.replace('/graphql', '/graphiql'))).status).toBe(404);
    // In development mode both are there.
    const dev = await post(devUrl, q);
    expect(dev.body.errors).toBeUndefined();
    expect(JSON.stringify(dev.body)).toMatch(/ComplaintConnection/);
    const page = await fetch(devUrl.replace('/graphql', '/graphiql'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
  });

  it('passes every MUST and SHOULD of the graphql-http server audit', async () => {
    const results = await Promise.all(serverAudits({ url: devUrl }).map((audit) => audit.fn()));
    const failed = results.filter((r) => r.status !== 'ok' && (r.name.startsWith('MUST') || r.name.startsWith('SHOULD')));
    expect(failed.map((f) => `${f.id} ${f.name}: ${f.status === 'ok' ? '' : f.reason}`)).toEqual([]);
    expect(results.filter((r) => r.name.startsWith('SHOULD')).length).toBeGreaterThanOrEqual(23);
    // Outside development mode the only audits that fail are the ones that ask for introspection (__type).
    const prod = await Promise.all(serverAudits({ url: stack.url }).map((audit) => audit.fn()));
    const prodFailed = prod.filter((r) => r.status !== 'ok' && !r.name.startsWith('MAY')).map((r) => r.id);
    const introspecting = new Set(['28B9', '2EA1']);
    expect(prodFailed.filter((id) => !introspecting.has(id))).toEqual([]);
  });

  it('puts a statement timeout on the gateway pool', async () => {
    const ds = await gatewayDataSource({
      port: 0, host: '127.0.0.1', databaseUrl: stack.appDatabaseUrl, temporalAddress: temporalAddress(), namespace: 'default', taskQueue: 'unused',
      jwtSecret: 'x', actionTimeoutMs: 1000, limits: { statementTimeoutMs: 200 },
    }).initialize();
    try {
      await expect(ds.query('SELECT pg_sleep(2)')).rejects.toThrow(/statement timeout/);
      expect(await ds.query('SELECT 1 AS one')).toEqual([{ one: 1 }]); // the connection is usable again
    } finally {
      await ds.destroy();
    }
  });
});
