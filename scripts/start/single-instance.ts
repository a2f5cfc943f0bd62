// One `npm start` per checkout: a second would share (and corrupt) Temporal's SQLite file.
import fs from 'fs';
import path from 'path';
import { isPidAlive } from '../infra/process-utils';
import { DATA_DIR } from '../runtime-config';

export const START_PID_FILE = path.join(DATA_DIR, 'start.pid');

/**
 * Writes our pid to `pidFile`, or fails naming the `npm start` that is running. A pid file left by
 * a run that was killed (its process gone, or now another program) is taken over. The file is
 * removed when this process exits, or earlier by the returned function.
 */
export function claimSingleInstance(pidFile = START_PID_FILE): () => void {
  fs.mkdirSync(path.dirname(pidFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(pidFile, String(process.pid), { flag: 'wx' });
      const release = (): void => {
        process.removeListener('exit', release);
        try {
          if (fs.readFileSync(pidFile, 'utf8').trim() === String(process.pid)) fs.unlinkSync(pidFile);
        } catch {
          /* gone */
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
      if (pid > 0 && isStartProcess(pid)) {
        throw new Error(`npm start is already running (pid ${pid}); stop it first (Ctrl-C there, or kill -INT ${pid}).`);
      }
      fs.rmSync(pidFile, { force: true }); // left by a run that was killed
    }
  }
  throw new Error(`could not claim ${pidFile}`);
}

/** Alive and (where /proc tells) running start.ts — not an unrelated process that got the pid. */
function isStartProcess(pid: number): boolean {
  if (!isPidAlive(pid)) return false;
  let cmdline = '';
  try {
    cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    /* not running (or no /proc) */
  }
  return cmdline === '' ? process.platform !== 'linux' : cmdline.includes('start.ts');
}
