// Development tokens, signed with JWT_SECRET or the development secret in .data/jwt-secret:
//
//   npm run --silent token -- --platform-admin        the platform operator (createTenant)
//   npm run --silent token -- --user <userId>         that user, in their tenant (looked up in the
//                                                     database: DATABASE_URL or .data/runtime.json)
//   options: --expires <12h|30m|7d|seconds>   (at most 30d: the gateway refuses longer-lived tokens)
//
// stdout carries only the token, so `TOKEN=$(npm run --silent token -- --user …)` works; messages
// go to stderr. Production verifies its identity provider's tokens instead.
import { Client } from 'pg';
import { MAX_TOKEN_LIFETIME_SECONDS, signToken } from '../apps/gateway/src/auth/jwt.util';
import { configuredDatabaseUrl, isRuntimeLive, jwtSecret, readRuntimeFacts, redactUrl } from './runtime-config';

const USAGE = 'usage: npm run --silent token -- --platform-admin | --user <userId>  [--expires 12h]';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class UsageError extends Error {}

interface Args {
  mode: 'platform-admin' | 'user';
  userId?: string;
  /** Lifetime in seconds. */
  expires: number;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 7 * 86400 };

function parseArgs(argv: string[]): Args {
  let mode: Args['mode'] | undefined;
  let userId: string | undefined;
  let expires = 12 * 3600;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!v) throw new UsageError(`${a.split('=')[0]} needs a value`);
      return v;
    };
    if (a === '--platform-admin') mode = 'platform-admin';
    else if (a === '--user' || a.startsWith('--user=')) {
      mode = 'user';
      userId = value();
    } else if (a === '--expires' || a.startsWith('--expires=')) {
      const v = value();
      const m = /^(\d+)\s*(s|m|h|d|w)?$/i.exec(v);
      if (!m) throw new UsageError(`--expires ${v}: use e.g. 3600, 30m, 12h or 7d`);
      expires = Number(m[1]) * UNIT_SECONDS[(m[2] ?? 's').toLowerCase()];
      if (expires < 1 || expires > MAX_TOKEN_LIFETIME_SECONDS) throw new UsageError(`--expires ${v}: a token lives from 1 second to ${MAX_TOKEN_LIFETIME_SECONDS / 86400}d`);
    } else if (a === '--help' || a === '-h') throw new UsageError('');
    else throw new UsageError(`unknown argument ${a}`);
  }
  if (!mode) throw new UsageError('say which token: --platform-admin or --user <userId>');
  return { mode, userId, expires };
}

async function tenantOfUser(userId: string): Promise<string> {
  if (!UUID.test(userId)) throw new Error(`"${userId}" is not a user id (a UUID, e.g. from .data/demo.json or createUser)`);
  const db = configuredDatabaseUrl();
  if (!db) {
    throw new Error('no database to look the user up in: set DATABASE_URL, or run `npm start` (it writes .data/runtime.json)');
  }
  const client = new Client({ connectionString: db.url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (err) {
    const facts = readRuntimeFacts();
    const hint = db.from === 'DATABASE_URL' ? '' : isRuntimeLive(facts) ? '' : ' — npm start is not running; start it (or set DATABASE_URL)';
    throw new Error(`cannot connect to the database ${redactUrl(db.url)} (from ${db.from}): ${(err as Error).message}${hint}`);
  }
  try {
    const { rows } = await client.query<{ tenant_id: string }>('SELECT tenant_id FROM users WHERE id = $1', [userId]);
    if (rows.length === 0) throw new Error(`unknown user ${userId}: no such user in ${redactUrl(db.url)} (from ${db.from})`);
    return rows[0].tenant_id;
  } catch (err) {
    if ((err as { code?: string }).code === '42P01') throw new Error(`${redactUrl(db.url)} has no users table yet: run npm run migration:run`);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const secret = jwtSecret();
  const facts = readRuntimeFacts();
  if (secret.source === 'dev-file' && facts?.jwtSecretSource === 'env' && isRuntimeLive(facts)) {
    process.stderr.write('warning: npm start is running with JWT_SECRET from its environment; set the same JWT_SECRET here or the gateway will reject this token\n');
  }
  const claims = args.mode === 'platform-admin'
    ? { sub: 'platform-operator', platformAdmin: true }
    : { sub: args.userId as string, tid: await tenantOfUser(args.userId as string) };
  process.stdout.write(`${signToken(claims, secret.secret, args.expires)}\n`);
  process.stderr.write(`token: expires ${new Date(Date.now() + args.expires * 1000).toISOString()}\n`);
}

if (require.main === module) {
  main().catch((err: Error) => {
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message ? `token: ${err.message}\n` : ''}${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`token: ${err.message}\n`);
    process.exit(1);
  });
}
