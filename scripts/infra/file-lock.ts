// Cross-process mutex on a lock file, so e.g. jest's global setup and `npm start` launched
// together don't both build the Temporal CLI or both initdb the same Postgres data directory.
import fs from 'fs';
import os from 'os';
import path from 'path';
import { defaultLog, isPidAlive, Log, sleep } from './process-utils';

interface LockInfo {
  pid: number;
  host: string;
  startedAt: string;
  what: string;
}

export interface FileLockOptions {
  /** Human description used in "waiting for …" messages. */
  what: string;
  log?: Log;
  /** Give up waiting after this long (default 30 min — a cold Go build on 2 cores is slow). */
  timeoutMs?: number;
  /** A lock older than this is considered abandoned even if its pid looks alive (pid reuse). */
  staleAfterMs?: number;
}

/** Runs `fn` while holding `lockPath` exclusively; waits (with progress) if someone else holds it. */
export async function withFileLock<T>(lockPath: string, opts: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const log = opts.log ?? defaultLog;
  const timeoutMs = opts.timeoutMs ?? 30 * 60_000;
  const staleAfterMs = opts.staleAfterMs ?? 60 * 60_000;
  fs.mkdirSync(path.dirname(lockPath), { recursive: true });

  const started = Date.now();
  let lastNotice = 0;
  for (;;) {
    const fd = tryCreate(lockPath, opts.what);
    if (fd !== undefined) {
      const release = (): void => {
        try {
          fs.unlinkSync(lockPath);
        } catch {
          /* already removed */
        }
      };
      // A crash between here and `finally` leaves a lock whose pid is dead; waiters treat it as stale.
      process.once('exit', release);
      try {
        return await fn();
      } finally {
        process.removeListener('exit', release);
        release();
      }
    }

    const holder = readLock(lockPath);
    if (isStale(lockPath, holder, staleAfterMs)) {
      log(`removing stale lock ${lockPath}${holder ? ` (pid ${holder.pid} is gone)` : ''}`);
      try {
        fs.unlinkSync(lockPath);
      } catch {
        /* another waiter removed it first */
      }
      continue;
    }
    const waited = Date.now() - started;
    if (waited > timeoutMs) {
      throw new Error(
        `Timed out after ${Math.round(waited / 1000)} s waiting for ${lockPath} (held by pid ${holder?.pid ?? '?'} ` +
          `for "${holder?.what ?? opts.what}"). If no such process is running, delete the lock file.`,
      );
    }
    if (Date.now() - lastNotice > 15_000) {
      lastNotice = Date.now();
      log(`waiting for another process (pid ${holder?.pid ?? '?'}) that is ${holder?.what ?? opts.what}…`);
    }
    await sleep(500);
  }
}

function tryCreate(lockPath: string, what: string): number | undefined {
  try {
    const fd = fs.openSync(lockPath, 'wx');
    const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), what };
    fs.writeSync(fd, JSON.stringify(info));
    fs.closeSync(fd);
    return fd;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  }
}

function readLock(lockPath: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockInfo;
  } catch {
    return undefined; // vanished, or being written right now
  }
}

function isStale(lockPath: string, holder: LockInfo | undefined, staleAfterMs: number): boolean {
  let ageMs: number;
  try {
    ageMs = Date.now() - fs.statSync(lockPath).mtimeMs;
  } catch {
    return false; // gone already; the next tryCreate will win or lose fairly
  }
  if (ageMs > staleAfterMs) return true;
  // Unparseable for more than a moment = the writer died mid-write.
  if (!holder) return ageMs > 5_000;
  if (holder.host !== os.hostname()) return false; // can't check a pid on another machine
  return !isPidAlive(holder.pid);
}
