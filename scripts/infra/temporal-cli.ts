// Locates (or builds once) the Temporal CLI, whose `server start-dev` is the real Temporal server
// used by tests and `npm start`. No Docker and no binary downloads are needed: only npm, Debian
// packages and the Go module proxy are reachable on dev/CI boxes, so we compile it from source.
//
// Run directly to print the CLI path: node scripts/run-ts.js scripts/infra/temporal-cli.ts
import path from 'path';
import { withFileLock } from './file-lock';
import { buildCacheDir, goInstall } from './go-install';
import { defaultLog, findOnPath, isExecutableFile, Log, run } from './process-utils';

// Pinned: v1.6.0+ has a `replace` directive in go.mod, which `go install pkg@version` refuses.
export const TEMPORAL_CLI_VERSION = '1.5.1';
const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli';
// Update-with-start (used by the complaint workflows) is on by default from server 1.28.
const MIN_SERVER_VERSION: [number, number] = [1, 28];

export interface FindTemporalCliOptions {
  log?: Log;
}

export type TemporalTarget =
  /** TEMPORAL_ADDRESS is set: use that server, start nothing. */
  | { external: true; address: string; namespace: string }
  /** No server given: caller should start a dev server with this CLI. */
  | { external: false; cliPath: string; namespace: string };

export function temporalCliCacheDir(): string {
  return buildCacheDir(`temporal-v${TEMPORAL_CLI_VERSION}`);
}

export function cachedTemporalCliPath(): string {
  return path.join(temporalCliCacheDir(), 'bin', process.platform === 'win32' ? 'temporal.exe' : 'temporal');
}

/**
 * Decides where Temporal comes from. TEMPORAL_ADDRESS wins and never triggers a build
 * (CI/production point at a real cluster); otherwise returns a CLI able to run `start-dev`.
 */
export async function resolveTemporal(opts: FindTemporalCliOptions = {}): Promise<TemporalTarget> {
  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  const address = process.env.TEMPORAL_ADDRESS?.trim();
  if (address) return { external: true, address, namespace };
  return { external: false, cliPath: await findTemporalCli(opts), namespace };
}

/**
 * Path of a usable `temporal` CLI: TEMPORAL_CLI_PATH → `temporal` on PATH → cached build →
 * build now with `go install` (a few minutes, once per machine; concurrent callers wait on a lock).
 */
export async function findTemporalCli(opts: FindTemporalCliOptions = {}): Promise<string> {
  const log = opts.log ?? defaultLog;

  const explicit = process.env.TEMPORAL_CLI_PATH?.trim();
  if (explicit) {
    const problem = await checkCli(explicit);
    if (problem) throw new Error(`TEMPORAL_CLI_PATH=${explicit} is not usable: ${problem}`);
    return explicit;
  }

  const onPath = findOnPath(process.platform === 'win32' ? 'temporal.exe' : 'temporal');
  if (onPath) {
    const problem = await checkCli(onPath);
    if (!problem) return onPath;
    log(`ignoring ${onPath}: ${problem}`);
  }

  const cached = cachedTemporalCliPath();
  if (isExecutableFile(cached) && !(await checkCli(cached))) return cached;

  const lockPath = path.join(temporalCliCacheDir(), 'build.lock');
  return withFileLock(lockPath, { what: `building Temporal CLI v${TEMPORAL_CLI_VERSION}`, log }, async () => {
    // Someone else may have finished the build while we waited for the lock.
    if (isExecutableFile(cached) && !(await checkCli(cached))) return cached;
    await buildTemporalCli(cached, log);
    const problem = await checkCli(cached);
    if (problem) throw new Error(`Built ${cached} but it does not work: ${problem}`);
    return cached;
  });
}

/** undefined when the binary runs `--version` and embeds a recent enough server; else the reason. */
async function checkCli(file: string): Promise<string | undefined> {
  let out: string;
  try {
    out = await run(file, ['--version'], 20_000);
  } catch (err) {
    return (err as Error).message;
  }
  // e.g. "temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)"
  const m = /Server (\d+)\.(\d+)/.exec(out);
  if (!m) return `unexpected --version output: ${out.trim()}`;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major < MIN_SERVER_VERSION[0] || (major === MIN_SERVER_VERSION[0] && minor < MIN_SERVER_VERSION[1])) {
    return `its embedded server is ${major}.${minor}, need >= ${MIN_SERVER_VERSION.join('.')} (${out.trim()})`;
  }
  return undefined;
}

async function buildTemporalCli(target: string, log: Log): Promise<void> {
  await goInstall({
    what: `Temporal CLI v${TEMPORAL_CLI_VERSION}`,
    packages: [`${TEMPORAL_CLI_MODULE}/cmd/temporal@v${TEMPORAL_CLI_VERSION}`],
    // -s -w: no debug symbols (~250 MB otherwise); -X: else `temporal --version` says 0.0.0-DEV.
    ldflags: `-s -w -X ${TEMPORAL_CLI_MODULE}/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
    targets: [{ built: path.basename(target), target }],
    stagingDir: path.join(temporalCliCacheDir(), `bin.tmp-${process.pid}`),
    alternatives: [
      'install the Temporal CLI >= 1.4 on PATH (https://docs.temporal.io/cli#install), or set TEMPORAL_CLI_PATH;',
      'point at an existing Temporal server with TEMPORAL_ADDRESS=host:7233.',
    ],
    log,
  });
}

// scripts/run-ts.js require()s the entry, so require.main is run-ts.js; it does set argv[1] to us.
if (require.main === module || (process.argv[1] && path.resolve(process.argv[1]) === __filename)) {
  findTemporalCli()
    .then((p) => process.stdout.write(`${p}\n`))
    .catch((err: Error) => {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    });
}
