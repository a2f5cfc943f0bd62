// The head-office console's production build (apps/console → dist/console), with the Vite CLI.
//
//   npm run console:build            builds it
//   ensureConsoleBuilt()             builds it only when missing or older than its sources
//                                    (npm start and the test suite's global setup)
//
// Vite is ESM-only and this code runs as CommonJS: the CLI runs as a child process.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

const ROOT = path.resolve(__dirname, '..');
export const CONSOLE_SOURCE = path.join(ROOT, 'apps', 'console');
export const CONSOLE_DIST = path.join(ROOT, 'dist', 'console');
const VITE_CLI = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
/** Besides apps/console itself, what changes the build. */
const INPUTS = [path.join(ROOT, 'package-lock.json')];

/** The newest modification time under `p` (a file or a folder), 0 when absent. */
function newest(p: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    latest = Math.max(latest, newest(path.join(p, entry)));
  }
  return latest;
}

/** Why the build must run, or null when dist/console is up to date. */
export function consoleBuildNeeded(): string | null {
  const index = path.join(CONSOLE_DIST, 'index.html');
  if (!fs.existsSync(index)) return 'dist/console is missing';
  const built = fs.statSync(index).mtimeMs;
  const sources = Math.max(newest(CONSOLE_SOURCE), ...INPUTS.map(newest));
  return sources > built ? 'its sources changed since the last build' : null;
}

/**
 * Runs `vite build` into a fresh folder, then swaps it in for dist/console: a gateway serving the old
 * build, or another build running at the same time (two test runs), never sees a half-written one.
 * Rejects with Vite's output when it fails.
 */
export async function buildConsole(): Promise<void> {
  const fresh = `${CONSOLE_DIST}.building-${process.pid}`;
  try {
    await runVite(fresh);
    precompress(path.join(fresh, 'assets'));
    const old = `${CONSOLE_DIST}.old-${process.pid}`;
    if (fs.existsSync(CONSOLE_DIST)) fs.renameSync(CONSOLE_DIST, old);
    fs.renameSync(fresh, CONSOLE_DIST);
    fs.rmSync(old, { recursive: true, force: true });
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
  }
}

/** Brotli and gzip copies of the hashed assets, sent by the gateway to browsers that accept them (@fastify/static preCompressed). */
function precompress(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    if (!/\.(js|css|svg|json)$/.test(name)) continue;
    const file = path.join(dir, name);
    const body = fs.readFileSync(file);
    fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } }));
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(body, { level: 9 }));
  }
}

function runVite(outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VITE_CLI, 'build', '--config', path.join(CONSOLE_SOURCE, 'vite.config.mjs'), '--outDir', outDir, '--emptyOutDir'], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' },
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) {
        // The index is written before the assets finish on some file systems' clocks: stamp it last.
        const index = path.join(outDir, 'index.html');
        const now = new Date();
        fs.utimesSync(index, now, now);
        resolve();
      } else reject(new Error(`console build failed (vite exited ${code}):\n${output}`));
    });
  });
}

/** Builds the console when it is missing or stale; returns whether it built. */
export async function ensureConsoleBuilt(log: (line: string) => void = () => undefined): Promise<boolean> {
  const reason = consoleBuildNeeded();
  if (!reason) return false;
  const started = Date.now();
  log(`building the console (${reason})…`);
  await buildConsole();
  log(`console built into ${path.relative(ROOT, CONSOLE_DIST)} in ${Date.now() - started} ms`);
  return true;
}

if (require.main === module) {
  buildConsole().then(
    () => console.log(`console built into ${path.relative(ROOT, CONSOLE_DIST)}`),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
