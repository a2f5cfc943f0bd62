// `go install pkg@version` into a cache directory, for the Temporal binaries we compile from source
// (the CLI with its dev server, and the server and SQL tool of `npm run start:cluster`): only npm,
// Debian packages and the Go module proxy are reachable on dev/CI boxes.
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { findOnPath, isExecutableFile, LineTail, Log } from './process-utils';

export interface GoInstallOptions {
  /** What is built, for messages (e.g. "Temporal CLI v1.5.1"). */
  what: string;
  /** `module/cmd/x@vX.Y.Z` packages, all of one module version. */
  packages: string[];
  /** Value of -ldflags. */
  ldflags: string;
  /** Where each binary ends up: `go install` names it after the package's last path element. */
  targets: { built: string; target: string }[];
  /** A scratch directory next to the targets (same file system, so the final rename is atomic). */
  stagingDir: string;
  /** Told when Go is missing, after "Fix one of:". */
  alternatives: string[];
  log: Log;
}

/** A directory of ours under the user's cache (outside the repo: binaries are never committed). */
export function buildCacheDir(name: string): string {
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'complaint-platform', name);
}

export function findGo(): string | undefined {
  // Go's default install location is often missing from PATH in non-login shells.
  const candidates = [
    findOnPath('go'),
    process.env.GOROOT ? path.join(process.env.GOROOT, 'bin', 'go') : undefined,
    '/usr/local/go/bin/go',
    path.join(os.homedir(), 'go', 'bin', 'go'),
  ];
  return candidates.find((c): c is string => !!c && isExecutableFile(c));
}

/** Builds the packages with CGO_ENABLED=0 and moves the binaries to their targets; throws with the last output. */
export async function goInstall(opts: GoInstallOptions): Promise<void> {
  const { log } = opts;
  const go = findGo();
  if (!go) {
    throw new Error(
      `The ${opts.what} is needed and is not built yet; building it needs the Go toolchain (>= 1.25), which was not found.\n` +
        'Fix one of:\n' +
        '  • install Go (https://go.dev/dl/ or `apt-get install golang-go` if recent enough) and re-run;\n' +
        opts.alternatives.map((a) => `  • ${a}\n`).join(''),
    );
  }

  // Build into a private dir and rename, so an interrupted build never leaves a half-written binary
  // at the path other processes trust.
  const staging = opts.stagingDir;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });

  const args = ['install', '-v', `-ldflags=${opts.ldflags}`, ...opts.packages];
  log(`building ${opts.what} (first run only, a few minutes)…`);
  log(`  GOBIN=${staging} CGO_ENABLED=0 ${go} ${args.join(' ')}`);
  const started = Date.now();

  // `go -v` prints one line per package (~1000 of them); show a throttled heartbeat instead.
  let packages = 0;
  let downloads = 0;
  let latest = '';
  let lastReport = Date.now();
  const tail = new LineTail(40, (line) => {
    if (line.startsWith('go: downloading')) downloads++;
    else packages++;
    latest = line.trim();
    if (Date.now() - lastReport >= 10_000) {
      lastReport = Date.now();
      const secs = Math.round((Date.now() - started) / 1000);
      log(`  … ${secs} s: ${downloads} modules downloaded, ${packages} packages built (${latest})`);
    }
  });

  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(go, args, {
      env: { ...process.env, GOBIN: staging, CGO_ENABLED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => tail.push(d));
    child.stderr.on('data', (d: Buffer) => tail.push(d));
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  }).finally(() => tail.flush());

  const missing = opts.targets.filter((t) => !fs.existsSync(path.join(staging, t.built)));
  if (code !== 0 || missing.length) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(
      `Building the ${opts.what} failed (go exited with ${code}). Last output:\n${tail.text()}\n` +
        'If the Go module proxy is unreachable, set TEMPORAL_ADDRESS to an existing server instead.',
    );
  }
  for (const t of opts.targets) {
    fs.mkdirSync(path.dirname(t.target), { recursive: true });
    fs.renameSync(path.join(staging, t.built), t.target);
  }
  fs.rmSync(staging, { recursive: true, force: true });
  log(`built ${opts.targets.map((t) => t.target).join(', ')} in ${Math.round((Date.now() - started) / 1000)} s`);
}
