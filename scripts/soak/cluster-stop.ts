// Timers across a full Temporal outage: complaints whose CUSTOMER_REPLY deadlines (pm-branch: PT24H,
// so back-dated by 24 h) fall due while all four Temporal services are down; the services are
// killed (SIGKILL: the harshest stop), started again after the pause, and every deadline must be
// recorded as breached within 30 s of max(due, return).
import { Client as PgClient } from 'pg';
import type { ChildService } from '../infra/child-service';
import { waitUntilServing } from '../infra/temporal-server';
import { mutate } from './client';
import type { SoakBranch } from './load';
import type { TimerOutcome } from './verdicts';

const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id } }`;
const REPLY_MS = 24 * 3600_000;
/** How long after the return the check waits for breaches before it counts the rest as missing. */
const WAIT_AFTER_RETURN_MS = 120_000;
const SUBMIT_CONCURRENCY = 8;

export interface ClusterStopInput {
  urls: readonly string[];
  branches: readonly SoakBranch[];
  databaseUrl: string;
  temporal: { address: string; namespace: string; processes: ChildService[] };
  timers: number;
  downSeconds: number;
  keyPrefix: string;
  say: (line: string) => void;
  stopping: () => boolean;
}

/** Lateness of one breach: from max(due, back) to when the workflow recorded it. */
export const latenessMs = (firedAt: number, dueAt: number, backAt: number): number => firedAt - Math.max(dueAt, backAt);

export async function timersAcrossClusterStop(i: ClusterStopInput): Promise<TimerOutcome> {
  const downMs = i.downSeconds * 1000;
  // Lead time to submit them all (a few per second, conservatively) before the stop.
  const leadMs = 15_000 + Math.ceil(i.timers / 4) * 1000;
  const stopAt = Date.now() + leadMs;
  // Due within the outage, 5 s from either end, spread evenly.
  const span = Math.max(1_000, downMs - 10_000);
  const dueAt = (n: number): number => stopAt + 5_000 + Math.floor((n * span) / Math.max(1, i.timers - 1));
  i.say(`timers: submitting ${i.timers} complaints due while the Temporal cluster is down (stop in ${Math.round(leadMs / 1000)} s, for ${i.downSeconds} s)…`);
  let next = 0;
  let failed = 0;
  await Promise.all(Array.from({ length: SUBMIT_CONCURRENCY }, async () => {
    while (next < i.timers && !i.stopping()) {
      const n = next++;
      const b = i.branches[n % i.branches.length];
      const r = await mutate(i.urls, n, SUBMIT, {
        input: {
          idempotencyKey: `${i.keyPrefix}-${n}`, branchId: b.id, channel: 'PHONE', kind: 'COMPLAINT', category: 'OTHER',
          description: `Timer across an outage #${n}`, complainant: { name: 'Soak', phone: '13800138000' }, receivedAt: new Date(dueAt(n) - REPLY_MS).toISOString(),
        },
      }, b.dispatcherToken, i.stopping);
      if (!r.ok) failed++;
    }
  }));
  if (failed) i.say(`timers: ${failed} submission(s) failed`);
  while (Date.now() < stopAt && !i.stopping()) await new Promise((r) => setTimeout(r, 200));
  const stoppedAt = Date.now();
  await Promise.all(i.temporal.processes.map((p) => p.latest().kill('SIGKILL')));
  i.say(`timers: all ${i.temporal.processes.length} Temporal services killed (SIGKILL); starting them again in ${i.downSeconds} s`);
  while (Date.now() < stoppedAt + downMs && !i.stopping()) await new Promise((r) => setTimeout(r, 200));
  // Interrupted meanwhile: the supervisor's stop steps have run or are running; start nothing new.
  if (i.stopping()) throw new Error('interrupted while the Temporal cluster was down');
  const respawned = i.temporal.processes.map((p) => p.latest().respawn());
  const backAt = Date.now();
  // waitUntilServing never settles once a service has exited: that exit rejects instead.
  const died = Promise.race(respawned.map((p) => p.exited.then((): never => {
    throw new Error(`${p.name} exited again (${p.describeExit()})`);
  })));
  died.catch(() => undefined);
  await Promise.race([waitUntilServing(i.temporal.address, i.temporal.namespace, 120_000, i.say, () => respawned.some((p) => p.exit !== undefined)), died]).catch((err: Error) =>
    i.say(`timers: the frontend did not serve again: ${err.message}`));
  i.say(`timers: Temporal cluster restarted, the frontend serving ${((Date.now() - backAt) / 1000).toFixed(1)} s later; waiting for the breaches…`);

  const db = new PgClient({ connectionString: i.databaseUrl });
  await db.connect();
  try {
    const query = async (): Promise<{ key: string; fired: number }[]> =>
      (await db.query<{ key: string; fired: number }>(
        `SELECT c.idempotency_key AS key, (EXTRACT(EPOCH FROM min(e.at)) * 1000)::float8 AS fired
           FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
          WHERE e.type = 'DEADLINE_BREACHED' AND e.data->>'kind' = 'CUSTOMER_REPLY' AND c.idempotency_key LIKE $1
          GROUP BY c.idempotency_key`, [`${i.keyPrefix}-%`],
      )).rows;
    let rows = await query();
    const until = backAt + WAIT_AFTER_RETURN_MS;
    while (rows.length < i.timers && Date.now() < until && !i.stopping()) {
      await new Promise((r) => setTimeout(r, 1000));
      rows = await query();
    }
    const lateness = rows.map((r) => latenessMs(r.fired, dueAt(Number(r.key.slice(i.keyPrefix.length + 1))), backAt));
    let dueWhileDown = 0;
    for (let n = 0; n < i.timers; n++) if (dueAt(n) >= stoppedAt && dueAt(n) < backAt) dueWhileDown++;
    return {
      timers: i.timers,
      fired: rows.length,
      stop: `${i.downSeconds} s SIGKILL stop of all 4 Temporal services`,
      maxLatenessMs: lateness.length ? Math.max(...lateness) : null,
      dueWhileDown,
    };
  } finally {
    await db.end();
  }
}
