// Where `npm start` keeps the facts other commands need (`npm run token`, `npm run migration:run`,
// the bench): .data/runtime.json, and the development JWT secret in .data/jwt-secret.
//
// Light on purpose (fs/path/crypto only): the token CLI and the start wrapper load it before
// anything heavy.
export { redactUrl } from './infra/postgres';
import { randomBytes } from 'crypto';
import fs from 'fs';
import path from 'path';

export const ROOT = path.resolve(__dirname, '..');
export const DATA_DIR = path.join(ROOT, '.data');
export const RUNTIME_FILE = path.join(DATA_DIR, 'runtime.json');
export const JWT_SECRET_FILE = path.join(DATA_DIR, 'jwt-secret');
export const DEMO_FILE = path.join(DATA_DIR, 'demo.json');
export const EMBEDDED_PG_DIR = path.join(DATA_DIR, 'postgres');
export const TEMPORAL_DB_FILE = path.join(DATA_DIR, 'temporal', 'temporal.sqlite');
/** The application database on the embedded cluster (the Docker stack calls its database the same). */
export const APP_DATABASE = 'complaints';

/** What a running (or the last) `npm start` published. */
export interface RuntimeFacts {
  /** The application database (password included: it is the local development cluster, or yours). */
  databaseUrl: string;
  /** true when databaseUrl points at the embedded cluster under .data/postgres. */
  embeddedPostgres: boolean;
  temporalAddress: string;
  temporalNamespace: string;
  graphqlUrl: string;
  temporalUiUrl: string | null;
  /** Only the generated development secret is written here, never a JWT_SECRET from the environment. */
  jwtSecret?: string;
  jwtSecretSource: 'env' | 'dev-file';
  /** pid of the `npm start` supervisor, and when it started / stopped. */
  pid: number;
  startedAt: string;
  stoppedAt?: string;
}

export function readRuntimeFacts(): RuntimeFacts | undefined {
  try {
    return JSON.parse(fs.readFileSync(RUNTIME_FILE, 'utf8')) as RuntimeFacts;
  } catch {
    return undefined;
  }
}

export function writeRuntimeFacts(facts: RuntimeFacts): void {
  writePrivateFile(RUNTIME_FILE, `${JSON.stringify(facts, null, 2)}\n`);
}

/** Marks the facts as belonging to a stopped run (kept: they still say where the data lives). */
export function markRuntimeStopped(pid: number): void {
  const facts = readRuntimeFacts();
  if (facts && facts.pid === pid) writeRuntimeFacts({ ...facts, stoppedAt: new Date().toISOString() });
}

/** true when the `npm start` that wrote the facts is still running. */
export function isRuntimeLive(facts: RuntimeFacts | undefined): boolean {
  if (!facts || facts.stoppedAt) return false;
  try {
    process.kill(facts.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface JwtSecret {
  secret: string;
  source: 'env' | 'dev-file';
}

/**
 * JWT_SECRET when set; otherwise the development secret in .data/jwt-secret, generated once
 * (0600). Production sets JWT_SECRET (or verifies its identity provider's tokens).
 */
export function jwtSecret(env: NodeJS.ProcessEnv = process.env): JwtSecret {
  const fromEnv = env.JWT_SECRET?.trim();
  if (fromEnv) return { secret: fromEnv, source: 'env' };
  try {
    const existing = fs.readFileSync(JWT_SECRET_FILE, 'utf8').trim();
    if (existing) return { secret: existing, source: 'dev-file' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32).toString('base64url');
  fs.mkdirSync(DATA_DIR, { recursive: true });
  try {
    // 'wx': if two commands race to create it, the loser reads the winner's secret.
    fs.writeFileSync(JWT_SECRET_FILE, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return { secret, source: 'dev-file' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { secret: fs.readFileSync(JWT_SECRET_FILE, 'utf8').trim(), source: 'dev-file' };
  }
}

/** The database the CLIs (token, migrate) talk to: DATABASE_URL, else the one `npm start` uses. */
export function configuredDatabaseUrl(env: NodeJS.ProcessEnv = process.env): { url: string; from: string } | undefined {
  const fromEnv = env.DATABASE_URL?.trim();
  if (fromEnv) return { url: fromEnv, from: 'DATABASE_URL' };
  const facts = readRuntimeFacts();
  if (facts?.databaseUrl) return { url: facts.databaseUrl, from: path.relative(process.cwd(), RUNTIME_FILE) || RUNTIME_FILE };
  return undefined;
}

export function writePrivateFile(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.renameSync(tmp, file); // atomic: readers never see half a file
}
