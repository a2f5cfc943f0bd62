// The signed-in session: a bearer token kept in localStorage (development tokens are pasted; a token
// can also arrive in the URL fragment `#token=…`, which `npm start` prints and the server never sees).
const TOKEN_KEY = 'console.token';

export function readToken(): string | null {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    saveToken(fromUrl);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return fromUrl;
  }
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  try {
    localStorage.setItem(TOKEN_KEY, token);
  } catch {
    // private mode: signed in for this page only
  }
}

export function clearToken(): void {
  try {
    localStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing kept
  }
}

/** What the gateway advertises to the console (GET /console/config.json). */
export interface ConsoleConfig {
  graphqlPath: string;
  /** The group's identity provider, when the gateway trusts one: the "sign in with your organisation" button. */
  oidcIssuer: string | null;
}

export async function loadConfig(): Promise<ConsoleConfig> {
  try {
    const res = await fetch('/console/config.json', { cache: 'no-store' });
    if (!res.ok) throw new Error(String(res.status));
    return (await res.json()) as ConsoleConfig;
  } catch {
    return { graphqlPath: '/graphql', oidcIssuer: null };
  }
}

/** Downloads a report as .xlsx through the export route, with the bearer token. */
export async function downloadXlsx(report: string, params: Record<string, string | undefined>, token: string): Promise<void> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) query.set(k, v);
  const res = await fetch(`/console/export/${report}.xlsx?${query.toString()}`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  }
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  const stamp = Object.values(params).filter(Boolean).join('-');
  a.download = `${report}${stamp ? `-${stamp}` : ''}.xlsx`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
