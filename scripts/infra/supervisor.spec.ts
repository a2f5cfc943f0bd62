// The supervisor with real, short-lived child processes (`node -e`): stop order, one step at a
// time, SIGKILL for a child that ignores SIGTERM, an unexpected death failing the run, output prefixes.
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ChildService, LineSink } from './child-service';
import { STOP_ORDER, StoppingError, Supervisor, startService } from './supervisor';

/** On SIGTERM: writes `<name>:term`, and `<name>:exit` a moment later, then exits 0. Prints `ready` once its handler is installed. */
const POLITE_CHILD = `
const fs = require('fs');
const mark = (what) => fs.appendFileSync(process.env.EVENTS, process.env.NAME + ':' + what + '\\n');
process.on('SIGTERM', () => { mark('term'); setTimeout(() => { mark('exit'); process.exit(0); }, 150); });
console.log('ready');
setInterval(() => {}, 1000);
`;
const DEAF_CHILD = `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('ready'); setInterval(() => {}, 1000);`;
const ANSI = /\x1b\[[0-9;]*m/g;

describe('Supervisor', () => {
  let dir: string;
  let events: string;
  let said: string[];
  let exited: Promise<number>;
  let exit: (code: number) => void;
  let sup: Supervisor;
  const started: ChildService[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cp-supervisor-'));
    events = path.join(dir, 'events');
    fs.writeFileSync(events, '');
    said = [];
    exited = new Promise<number>((resolve) => (exit = resolve));
    sup = new Supervisor((line) => said.push(line), { exit: (code) => exit(code) });
  });

  afterEach(async () => {
    // Whatever a failing test left running.
    await Promise.all(started.splice(0).map((s) => s.stop(1_000)));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const sink = (): LineSink & { lines: string[] } => {
    const lines: string[] = [];
    return { lines, write: (text: string) => lines.push(...text.replace(ANSI, '').split('\n').filter(Boolean)) };
  };
  const spawnChild = (name: string, script: string, stopOrder: number, graceMs?: number): ChildService => {
    const service = startService(sup, {
      name, nodeArgs: ['-e', script], env: { ...process.env, NAME: name, EVENTS: events }, echo: false, stopOrder, graceMs,
    });
    started.push(service);
    return service;
  };
  const eventLog = (): string[] => fs.readFileSync(events, 'utf8').split('\n').filter(Boolean);

  it('stops the children in STOP_ORDER, one after the other, then the later steps, and exits with the code given', async () => {
    const worker = spawnChild('worker', POLITE_CHILD, STOP_ORDER.worker);
    sup.onStop(STOP_ORDER.temporal, 'temporal', async () => fs.appendFileSync(events, 'temporal:stop\n'));
    const gateway = spawnChild('gateway', POLITE_CHILD, STOP_ORDER.gateway);
    await Promise.all([worker.waitForLine(/^ready$/, 30_000), gateway.waitForLine(/^ready$/, 30_000)]);

    void sup.shutdown(0, 'test');
    expect(await exited).toBe(0);

    expect(eventLog()).toEqual(['gateway:term', 'gateway:exit', 'worker:term', 'worker:exit', 'temporal:stop']);
    expect(gateway.exit).toEqual({ code: 0, signal: null });
    expect(worker.exit).toEqual({ code: 0, signal: null });
    expect(said[0]).toBe('stopping (test)…');
    expect(said.filter((l) => / stopped \(/.test(l)).map((l) => l.trim().split(' ')[0])).toEqual(['gateway', 'worker', 'temporal']);
    expect(said[said.length - 1]).toBe('stopped.');
  });

  it('SIGKILLs a child that ignores SIGTERM once its grace period is over', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const deaf = spawnChild('deaf', DEAF_CHILD, STOP_ORDER.gateway, 1_500);
      await deaf.waitForLine(/^ready$/, 30_000);
      void sup.shutdown(0, 'test');
      expect(await exited).toBe(0);
      expect(deaf.exit).toEqual({ code: null, signal: 'SIGKILL' });
      expect(deaf.lastLines()).toContain('ignoring SIGTERM');
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toMatch(/deaf \(pid \d+\) ignored SIGTERM/);
    } finally {
      stderr.mockRestore();
    }
  });

  it('fails the run when a child dies on its own: prints its last output, stops the rest, exits 1', async () => {
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const survivor = spawnChild('gateway', POLITE_CHILD, STOP_ORDER.gateway);
      await survivor.waitForLine(/^ready$/, 30_000);
      spawnChild('worker', `console.error('cannot reach the database'); process.exit(3);`, STOP_ORDER.worker);

      expect(await exited).toBe(1);
      const errors = stderr.mock.calls.map((c) => String(c[0]).replace(ANSI, '')).join('');
      expect(errors).toMatch(/\[error\] the worker \(pid \d+\) exited unexpectedly \(exit code 3\); its last output:/);
      expect(errors).toContain('    cannot reach the database');
      expect(eventLog()).toEqual(['gateway:term', 'gateway:exit']);
      expect(said[said.length - 1]).toBe('stopped (exit code 1).');
    } finally {
      stderr.mockRestore();
    }
  });

  it('runs a stop step registered by a start-up still under way, and lets no new child start', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    sup.track(
      (async () => {
        await gate; // e.g. the Temporal dev server still starting when Ctrl-C came
        sup.onStop(STOP_ORDER.temporal, 'late server', async () => fs.appendFileSync(events, 'late:stop\n'));
        sup.checkpoint();
      })(),
    );
    const shutdown = sup.shutdown(0, 'SIGINT received');
    expect(sup.stopping).toBe(true);
    expect(() => sup.checkpoint()).toThrow(StoppingError);
    expect(() => spawnChild('gateway', POLITE_CHILD, STOP_ORDER.gateway)).toThrow(StoppingError);
    release();
    await shutdown;
    expect(await exited).toBe(0);
    expect(eventLog()).toEqual(['late:stop']);
  });
});

describe('ChildService', () => {
  it('prefixes each line of the child with its name (a last line without newline too), keeps its last lines and waits for a line', async () => {
    const out = { stdout: [] as string[], stderr: [] as string[] };
    const service = new ChildService({
      name: 'gateway',
      nodeArgs: ['-e', `console.log('one'); console.error('two'); process.stdout.write('three\\n'); setTimeout(() => { console.log('listening'); process.stdout.write('partial'); }, 50);`],
      env: process.env,
      output: { stdout: { write: (t: string) => out.stdout.push(t.replace(ANSI, '')) }, stderr: { write: (t: string) => out.stderr.push(t.replace(ANSI, '')) } },
    });
    await service.waitForLine(/listening/, 30_000);
    await service.exited;
    expect(out.stdout).toEqual(['[gateway] one\n', '[gateway] three\n', '[gateway] listening\n', '[gateway] partial\n']);
    expect(out.stderr).toEqual(['[gateway] two\n']);
    expect(service.lastLines().split('\n').sort()).toEqual(['listening', 'one', 'partial', 'three', 'two']);
    expect(service.describeExit()).toBe('exit code 0');
  });

  it('rejects the readiness wait when the child exits before printing the line', async () => {
    const service = new ChildService({ name: 'worker', nodeArgs: ['-e', 'process.exit(2)'], env: process.env, echo: false });
    await expect(service.waitForLine(/worker: polling/, 30_000)).rejects.toThrow('worker exited during start-up (exit code 2)');
  });
});
