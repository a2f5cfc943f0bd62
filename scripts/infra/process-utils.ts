// Small process/network helpers shared by the infra scripts (Temporal CLI, dev server, Postgres).
import { spawn, execFile } from 'child_process';
import fs from 'fs';
import net from 'net';
import path from 'path';

export type Log = (line: string) => void;

// Progress goes to stderr so stdout stays clean for machine-readable output (e.g. the CLI path).
export const defaultLog: Log = (line) => process.stderr.write(`${line}\n`);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Absolute path of an executable called `name` on PATH (like `which`), or undefined. */
export function findOnPath(name: string, envPath: string | undefined = process.env.PATH): string | undefined {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs a short command and returns its stdout; rejects with stderr included. */
export function run(file: string, args: string[], timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}${stderr ? `\n${stderr.trim()}` : ''}`));
      else resolve(stdout);
    });
  });
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM means it exists but belongs to another user (e.g. postgres run as the `postgres` user).
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Asks the OS for a free TCP port. There is a small race between closing the probe and the
 * real server binding it, so callers that spawn servers retry on "address in use".
 */
export function getFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen({ host, port: 0, exclusive: true }, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen({ host, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * Kills `pid` when THIS process dies, however it dies (including SIGKILL / OOM / a crashed jest),
 * which `detached: false` and process.on('exit') cannot guarantee. A tiny detached `sh` holds the
 * read end of a pipe whose write end only we hold; the kernel closes it when we die, `read` hits
 * EOF and the watchdog signals the orphan (then SIGKILLs it after `graceMs`).
 * Returns a disarm function to call once the target has been stopped normally.
 */
export function killWhenParentDies(pid: number, signal: 'SIGTERM' | 'SIGINT' = 'SIGTERM', graceMs = 10_000): () => void {
  if (process.platform === 'win32') return () => undefined;
  const script =
    'while read -r _; do :; done; ' +
    `kill -${signal.slice(3)} "$1" 2>/dev/null; ` +
    `i=0; while [ $i -lt ${Math.ceil(graceMs / 1000)} ] && kill -0 "$1" 2>/dev/null; do sleep 1; i=$((i+1)); done; ` +
    'kill -KILL "$1" 2>/dev/null; exit 0';
  const watchdog = spawn('/bin/sh', ['-c', script, 'infra-watchdog', String(pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true, // own process group: a Ctrl-C aimed at us must not kill the watchdog first
  });
  watchdog.on('error', () => undefined);
  watchdog.stdin?.on('error', () => undefined);
  // Neither the watchdog nor its pipe may keep our event loop alive.
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  let armed = true;
  return () => {
    if (!armed) return;
    armed = false;
    try {
      watchdog.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  };
}

/** Keeps the last `max` lines of a child's output for error messages. */
export class LineTail {
  private readonly lines: string[] = [];
  private partial = '';
  constructor(private readonly max = 60, private readonly onLine?: (line: string) => void) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) this.add(line);
  }

  flush(): void {
    if (this.partial) this.add(this.partial);
    this.partial = '';
  }

  text(): string {
    return this.lines.join('\n');
  }

  private add(line: string): void {
    if (!line.trim()) return;
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
    this.onLine?.(line);
  }
}
