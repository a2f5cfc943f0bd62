import { createHash } from 'crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { APPLICATION_ROLE } from './migrations/1763890000000-row-level-security';

export { APPLICATION_ROLE } from './migrations/1763890000000-row-level-security';

/**
 * The application role's password when none is configured: derived from the owner's credentials
 * and server (not the database), so every database of one server agrees on it and it is as secret
 * as the owner's password. `APP_DATABASE_PASSWORD` (or a whole `APP_DATABASE_URL`) overrides it.
 */
export function defaultApplicationPassword(ownerUrl: string): string {
  const u = new URL(ownerUrl);
  const server = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}@${u.hostname}:${u.port || '5432'}`;
  return createHash('sha256').update(`complaint-platform application role\u0000${server}`).digest('base64url').slice(0, 32);
}

/** The URL the gateway and the worker connect with: the owner's URL as the application role. */
export function applicationDatabaseUrl(ownerUrl: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.APP_DATABASE_URL?.trim()) return env.APP_DATABASE_URL.trim();
  const u = new URL(ownerUrl);
  u.username = APPLICATION_ROLE;
  u.password = env.APP_DATABASE_PASSWORD?.trim() || defaultApplicationPassword(ownerUrl);
  return u.toString();
}

async function canConnect(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Lets the application role log in with the password of `applicationDatabaseUrl` (run as the owner,
 * after the migrations created the role). Skipped when `APP_DATABASE_URL` names a login managed
 * elsewhere (production: a login role that is a member of `complaint_app`). Returns the URL.
 */
export async function ensureApplicationLogin(ownerUrl: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const appUrl = applicationDatabaseUrl(ownerUrl, env);
  if (env.APP_DATABASE_URL?.trim() || (await canConnect(appUrl))) return appUrl;
  const password = decodeURIComponent(new URL(appUrl).password);
  const owner = new Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await owner.query(`ALTER ROLE ${APPLICATION_ROLE} LOGIN PASSWORD ${owner.escapeLiteral(password)}`);
        break;
      } catch (err) {
        // Parallel test files migrate databases of one server at once: "tuple concurrently updated".
        if (attempt < 10 && (err as { code?: string }).code === 'XX000') {
          await new Promise((r) => setTimeout(r, 50 * attempt));
          continue;
        }
        throw err;
      }
    }
  } finally {
    await owner.end();
  }
  return appUrl;
}

/**
 * Refuses to run the services as a role that bypasses row-level security (a superuser, a role with
 * BYPASSRLS, or the owner of the tables), unless explicitly allowed (the bench's comparison run).
 */
export async function assertRowSecurityApplies(ds: DataSource, allowBypass = process.env.ALLOW_RLS_BYPASS === '1'): Promise<void> {
  const [me]: { role: string; bypasses: boolean; owns: boolean }[] = await ds.query(
    `SELECT current_user AS role, (r.rolsuper OR r.rolbypassrls) AS bypasses,
            EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public' AND t.tablename = 'complaints' AND t.tableowner = current_user) AS owns
       FROM pg_roles r WHERE r.rolname = current_user`,
  );
  if (!me || (!me.bypasses && !me.owns) || allowBypass) return;
  throw new Error(
    `the database role "${me.role}" bypasses row-level security (${me.bypasses ? 'superuser or BYPASSRLS' : 'owner of the tables'}): `
    + `connect the services as ${APPLICATION_ROLE} (see README, Security), or set ALLOW_RLS_BYPASS=1 to run without that layer`,
  );
}
