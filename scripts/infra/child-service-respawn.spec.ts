// A deliberate kill and a respawn (what the soak's chaos loop does): not a failure of the run, the
// same command and environment again, and the supervisor's shutdown stops the process running now.
import fs from 'fs';
import os from 'os';
import path from 'path';
import type { ChildService } from './child-service';
import { STOP_ORDER, Supervisor, startService } from './supervisor';

/** Prints `ready <pid> <NAME>`; on SIGTERM appends `<pid>:term` to EVENTS and exits. */
const CHILD = `
const fs = require('fs');
process.on('SIGTERM', () => { fs.appendFileSync(process.env.EVENTS, process.pid + ':term\\n'); process.exit(0); });
console.log('ready ' + process.pid + ' ' + process.env.NAME);
setInterval(() => {}, 1000);
`;

describe('ChildService kill and respawn under the supervisor', () => {
  let dir: string;
  let events: string;
  let exited: Promise<number>;
  let exit: (code: number) => void;
  let sup: Supervisor;
  const started: ChildService[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-respawn-'));
    events = path.join(dir, 'events');
    fs.writeFileSync(events, '');
    exited = new Promise<number>((resolve) => (exit = resolve));
    sup = new Supervisor(() => undefined, { exit: (code) => exit(code) });
  });

  afterEach(async () => {
    await Promise.all(started.splice(0).map((s) => s.latest().stop(1_000)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const spawnChild = (): ChildService => {
    const service = startService(sup, { name: 'worker-1', nodeArgs: ['-e', CHILD], env: { ...process.env, NAME: 'same-env', EVENTS: events }, echo: false, stopOrder: STOP_ORDER.worker });
    started.push(service);
    return service;
  };

  it('does not fail the run on a deliberate SIGKILL, restarts the same command, and stops the new process at shutdown', async () => {
    const first = spawnChild();
    await first.waitForLine(/^ready /, 30_000);
    expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    // A deliberate kill is not an unexpected exit: the run goes on.
    await new Promise((r) => setTimeout(r, 300));
    expect(sup.stopping).toBe(false);

    const second = first.respawn();
    expect(first.latest()).toBe(second);
    await second.waitForLine(/^ready /, 30_000);
    expect(second.pid).not.toBe(first.pid);
    expect(second.lastLines()).toBe(`ready ${second.pid} same-env`);
    expect(() => first.respawn()).toThrow(/already respawned/);
    expect(() => second.respawn()).toThrow(/still running/);

    void sup.shutdown(0, 'test');
    expect(await exited).toBe(0);
    expect(second.exit).toEqual({ code: 0, signal: null });
    expect(fs.readFileSync(events, 'utf8').trim()).toBe(`${second.pid}:term`);
  });

  it('still fails the run when a respawned process dies on its own', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const first = spawnChild();
      await first.waitForLine(/^ready /, 30_000);
      await first.kill('SIGKILL');
      const second = first.respawn();
      await second.waitForLine(/^ready /, 30_000);
      process.kill(second.pid, 'SIGKILL');
      expect(await exited).toBe(1);
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/worker-1 \(pid \d+\) exited unexpectedly \(killed by SIGKILL\)/);
    } finally {
      stderr.mockRestore();
    }
  });
});
