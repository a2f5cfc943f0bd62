// The chaos loop: every 30–60 s (seeded), kill -9 a worker, a gateway or a Temporal service — the
// kinds in a seeded rotation so each is hit — and start the same command again after a short pause.
import type { ChildService } from '../infra/child-service';
import type { KillKind } from './verdicts';
import { KILL_KINDS } from './verdicts';

export interface ChaosTarget {
  kind: KillKind;
  /** The service as first started; latest() is the process running now. */
  service: ChildService;
  /** Resolves once a respawned process serves again (bounded by its own timeout); at once where nothing tells. */
  ready: (respawned: ChildService) => Promise<void>;
}

export interface KillRecord {
  kind: KillKind;
  target: string;
  /** ms since epoch: the SIGKILL. */
  at: number;
  /** ms since epoch: the replacement spawned; ready when it served again (undefined: not ready). */
  respawnedAt: number;
  readyAt: number | undefined;
  pid: number;
  newPid: number;
}

export interface ChaosOptions {
  random: () => number;
  killEvery: { min: number; max: number };
  downSeconds: number;
  /** No kill after this (ms since epoch): the last recovery must be observable while the load runs. */
  lastKillBy: number;
  stopping: () => boolean;
  say: (line: string) => void;
}

/** The order the kinds are hit in: a seeded shuffle per round of three, so each kind is hit once per round. */
export function killSchedule(random: () => number, rounds: number): KillKind[] {
  const out: KillKind[] = [];
  for (let r = 0; r < rounds; r++) {
    const round = [...KILL_KINDS];
    for (let i = round.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [round[i], round[j]] = [round[j], round[i]];
    }
    out.push(...round);
  }
  return out;
}

const sleepUnless = async (ms: number, stopping: () => boolean): Promise<void> => {
  const until = Date.now() + ms;
  while (!stopping() && Date.now() < until) await new Promise((r) => setTimeout(r, Math.min(250, until - Date.now())));
};

export async function runChaos(targets: readonly ChaosTarget[], o: ChaosOptions): Promise<KillRecord[]> {
  const kills: KillRecord[] = [];
  const schedule = killSchedule(o.random, 1000);
  for (const kind of schedule) {
    const waitS = o.killEvery.min + o.random() * (o.killEvery.max - o.killEvery.min);
    const of = targets.filter((t) => t.kind === kind);
    const target = of[Math.floor(o.random() * of.length)];
    if (Date.now() + waitS * 1000 > o.lastKillBy) break;
    await sleepUnless(waitS * 1000, o.stopping);
    if (o.stopping() || !target) break;
    const victim = target.service.latest();
    const at = Date.now();
    await victim.kill('SIGKILL');
    o.say(`chaos: kill -9 ${victim.name} (pid ${victim.pid}); restarting in ${o.downSeconds} s`);
    await sleepUnless(o.downSeconds * 1000, o.stopping);
    if (o.stopping()) break;
    const next = victim.respawn();
    const respawnedAt = Date.now();
    let readyAt: number | undefined;
    try {
      await target.ready(next);
      readyAt = Date.now();
      o.say(`chaos: ${next.name} restarted (pid ${next.pid}), ready ${((readyAt - at) / 1000).toFixed(1)} s after the kill`);
    } catch (err) {
      o.say(`chaos: ${next.name} restarted (pid ${next.pid}) but did not get ready: ${(err as Error).message}`);
    }
    kills.push({ kind, target: victim.name, at, respawnedAt, readyAt, pid: victim.pid, newPid: next.pid });
  }
  return kills;
}
