import { ChildProcess, spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { claimSingleInstance } from './single-instance';

describe('one npm start per checkout', () => {
  let dir: string;
  let pidFile: string;
  let other: ChildProcess | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-start-pid-'));
    pidFile = path.join(dir, 'start.pid');
  });

  afterEach(() => {
    other?.kill('SIGKILL');
    other = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('claims the pid file and gives it back', () => {
    const release = claimSingleInstance(pidFile);
    expect(fs.readFileSync(pidFile, 'utf8')).toBe(String(process.pid));
    release();
    expect(fs.existsSync(pidFile)).toBe(false);
  });

  it('takes over a pid file left by a run that was killed', () => {
    const gone = spawn(process.execPath, ['-e', '']);
    const deadPid = gone.pid ?? 0;
    return new Promise<void>((resolve) => gone.once('exit', () => resolve())).then(() => {
      fs.writeFileSync(pidFile, String(deadPid));
      const release = claimSingleInstance(pidFile);
      expect(fs.readFileSync(pidFile, 'utf8')).toBe(String(process.pid));
      release();
    });
  });

  it('refuses while another start.ts runs, naming its pid; an unrelated process with the pid does not count', async () => {
    // A process whose command line names start.ts, like the running supervisor's does.
    other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'scripts/start.ts'], { stdio: 'ignore' });
    fs.writeFileSync(pidFile, String(other.pid));
    expect(() => claimSingleInstance(pidFile)).toThrow(`npm start is already running (pid ${other.pid}); stop it first (Ctrl-C there, or kill -INT ${other.pid}).`);
    expect(fs.readFileSync(pidFile, 'utf8')).toBe(String(other.pid));

    other.kill('SIGKILL');
    other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); // alive, but not npm start
    fs.writeFileSync(pidFile, String(other.pid));
    const release = claimSingleInstance(pidFile);
    expect(fs.readFileSync(pidFile, 'utf8')).toBe(String(process.pid));
    release();
  });
});
