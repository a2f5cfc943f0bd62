// Noisy neighbour: tenant A (the bench tenant) submits complaints at a steady, modest rate; we
// measure its intake latency while quiet, then during a burst in which tenant B floods intake and
// replaces the calendar of a branch with many open complaints three times. The goal (issue 7) is
// A's p99 during the burst within 2× of its quiet p99. Numbers are printed, never asserted.
//
//   BENCH_NOISY_OPEN (1000)      B's open complaints on the branch whose calendar changes
//   BENCH_NOISY_RATE (4)         A's submissions per second
//   BENCH_NOISY_QUIET_S (20)     length of the quiet phase
//   BENCH_NOISY_BURST_S (75)     longest burst (it ends earlier once the last propagation is done)
//   BENCH_NOISY_FLOOD (16)       B's concurrent intake clients during the burst
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { signToken } from '../../../apps/gateway/src/auth/jwt.util';
import { CALENDAR_CHANGE_ID_SQL } from '../../../apps/gateway/src/calendar/services/calendar.service';
import { addDaysToLocalDate, localDate } from '../../../libs/domain/src/calendar/zoned-time.util';
import type { CalendarPropagationProgress } from '../../../workflows/shared/calendar-propagation';
import { calendarPropagationWorkflowId } from '../../../workflows/shared/ids';
import { OPS, platformAdminToken } from '../../demo/seed';
import { DEFAULT_LIMITS } from '../../../apps/gateway/src/common/limits';
import { GraphqlError, graphql } from '../../demo/graphql';
import { fmtLatency, intFromEnv, runPool, summarize, timed } from '../stats';
import type { BenchSection, BenchStack } from '../types';

const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id } }`;
const SET_CALENDAR = `mutation($b: ID!, $c: BranchCalendarInput!) { setBranchCalendar(branchId: $b, calendar: $c) { id } }`;
const TZ = 'Asia/Shanghai';
const ALL_DAY = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' }));

const input = (branchId: string, key: string, i: number): Record<string, unknown> => ({
  idempotencyKey: key, branchId, channel: 'PHONE', kind: 'COMPLAINT', category: 'PROPERTY_MANAGEMENT',
  description: `楼上漏水 — water leaking from the flat above (#${i})`, location: `Building ${1 + (i % 9)}`,
  complainant: { name: '王先生', phone: '13900139000', unit: `${1 + (i % 9)}-${1000 + i}` },
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const isRateLimited = (err: unknown): boolean => err instanceof GraphqlError && err.code === 'RATE_LIMITED';

/** A second group with one branch, its head office and a dispatcher. */
async function provisionNoisyTenant(stack: BenchStack): Promise<{ tenantId: string; branchId: string; floodBranchId: string; headOffice: string; dispatcher: string }> {
  const t = await stack.gql(OPS.createTenant, { n: 'Noisy Property Group', p: 'pm-branch', h: 'Noisy Head Office' }, platformAdminToken(stack.jwtSecret));
  const tenantId = t.createTenant.tenant.id as string;
  const headOffice = signToken({ sub: t.createTenant.headOffice.id, tid: tenantId }, stack.jwtSecret);
  const companyId = (await stack.gql(OPS.createCompany, { n: 'Noisy Services Co.' }, headOffice)).createCompany.id as string;
  const branchId = (await stack.gql(OPS.createBranch, { c: companyId, code: 'NZ01', n: 'Noisy Estate', tz: TZ }, headOffice)).createBranch.id as string;
  const floodBranchId = (await stack.gql(OPS.createBranch, { c: companyId, code: 'NZ02', n: 'Noisy Towers', tz: TZ }, headOffice)).createBranch.id as string;
  const user = (await stack.gql(OPS.createUser, { n: 'Noisy Dispatcher', r: [{ role: 'DISPATCHER', branchId }, { role: 'DISPATCHER', branchId: floodBranchId }] }, headOffice)).createUser.id as string;
  return { tenantId, branchId, floodBranchId, headOffice, dispatcher: signToken({ sub: user, tid: tenantId }, stack.jwtSecret) };
}

/** Submits at `perSecond` (open loop: a slow answer does not delay the next submission) until `until()`. */
async function steadyIntake(stack: BenchStack, url: string, perSecond: number, until: () => boolean, tag: string): Promise<{ ms: number[]; errors: string[] }> {
  const ms: number[] = [];
  const errors: string[] = [];
  const inflight: Promise<void>[] = [];
  const a = stack.tenant;
  for (let i = 0; !until(); i++) {
    inflight.push((async () => {
      try {
        ms.push((await timed(() => graphql(url, SUBMIT, { input: input(a.branches[0].id, `${tag}-${i}`, i) }, a.tokens.dispatchers[0]))).ms);
      } catch (err) {
        errors.push((err as Error).message);
      }
    })());
    await sleep(1000 / perSecond);
  }
  await Promise.all(inflight);
  return { ms, errors };
}

export const noisyNeighbourSection: BenchSection = {
  id: 'noisy',
  title: 'Fair sharing: tenant A intake while tenant B floods and re-calendars',
  needsStack: true,
  async run({ stack, say, stopping }) {
    if (!stack) throw new Error('noisy needs the stack');
    const open = intFromEnv('BENCH_NOISY_OPEN', 1000);
    const rate = intFromEnv('BENCH_NOISY_RATE', 4);
    const quietS = intFromEnv('BENCH_NOISY_QUIET_S', 20);
    const burstS = intFromEnv('BENCH_NOISY_BURST_S', 75);
    const flood = intFromEnv('BENCH_NOISY_FLOOD', 16);
    const run = Math.random().toString(36).slice(2, 8);

    const b = await provisionNoisyTenant(stack);
    say(`noisy: tenant B opens ${open} complaints on one branch (set-up, not measured)…`);
    const seedErrors: string[] = [];
    await runPool(open, 8, async (i) => {
      if (stopping()) return;
      // Retried on RATE_LIMITED: the set-up must reach its size.
      for (let attempt = 0; ; attempt++) {
        try {
          await stack.gql(SUBMIT, { input: input(b.branchId, `noisy-open-${run}-${i}`, i) }, b.dispatcher);
          return;
        } catch (err) {
          if (!isRateLimited(err) || attempt > 20) return void seedErrors.push((err as Error).message);
          await sleep(500);
        }
      }
    });
    if (stopping()) throw new Error('interrupted');

    // Both tenants go through a gateway with the product's default limits (the bench stack's own
    // gateway has the per-tenant write budget lifted to measure raw capacity).
    const url = await stack.extraGateway({
      TENANT_WRITES_PER_SEC: String(DEFAULT_LIMITS.tenantWritesPerSecond), TENANT_WRITE_BURST: String(DEFAULT_LIMITS.tenantWriteBurst),
      RATE_LIMIT_USER_PER_MIN: String(DEFAULT_LIMITS.userPerMinute), RATE_LIMIT_TENANT_PER_MIN: String(DEFAULT_LIMITS.tenantPerMinute),
      RATE_LIMIT_IP_PER_MIN: String(DEFAULT_LIMITS.anonymousPerMinute),
    });
    say(`noisy: quiet phase, tenant A submits ${rate}/s for ${quietS} s…`);
    const quietEnd = performance.now() + quietS * 1000;
    const quiet = await steadyIntake(stack, url, rate, () => stopping() || performance.now() > quietEnd, `noisy-quiet-${run}`);

    say(`noisy: burst — B floods intake with ${flood} clients and replaces its calendar 3× on ${open} open complaints; A keeps ${rate}/s…`);
    const connection = await Connection.connect({ address: stack.temporalAddress });
    const temporal = new TemporalClient({ connection, namespace: stack.namespace });
    const db = new PgClient({ connectionString: stack.databaseUrl });
    await db.connect();
    const from = performance.now();
    const burstEnd = from + burstS * 1000;
    let burstOver = false;
    const over = (): boolean => burstOver || stopping() || performance.now() > burstEnd;
    const steady = steadyIntake(stack, url, rate, over, `noisy-during-${run}`);
    let flooded = 0;
    let floodLimited = 0;
    const floodErrors: string[] = [];
    const flooders = Array.from({ length: flood }, async (_, c) => {
      for (let i = 0; !over(); i++) {
        try {
          // On B's other branch: the propagation's page of open complaints does not grow under it.
          await graphql(url, SUBMIT, { input: input(b.floodBranchId, `noisy-flood-${run}-${c}-${i}`, i) }, b.dispatcher);
          flooded += 1;
        } catch (err) {
          if (isRateLimited(err)) floodLimited += 1;
          else floodErrors.push((err as Error).message);
          await sleep(100);
        }
      }
    });
    const today = localDate(Date.now(), TZ);
    const calendars = [[], [today], [today, addDaysToLocalDate(today, 1)]].map((holidays) => ({ timezone: TZ, workingHours: ALL_DAY, holidays }));
    const calendarMs: number[] = [];
    let lastChange = '';
    for (const c of calendars) {
      calendarMs.push((await timed(() => graphql(url, SET_CALENDAR, { b: b.branchId, c }, b.headOffice))).ms);
      lastChange = (await db.query(`SELECT ${CALENDAR_CHANGE_ID_SQL} AS id FROM branches WHERE id = $1`, [b.branchId])).rows[0].id;
    }
    const propagation = temporal.workflow.getHandle(calendarPropagationWorkflowId(b.tenantId, b.branchId, lastChange));
    let progress: CalendarPropagationProgress | undefined;
    while (!over()) {
      progress = await propagation.query<CalendarPropagationProgress>('calendarPropagationProgress').catch(() => progress);
      if (progress?.status !== 'RUNNING' && progress) break;
      await sleep(1000);
    }
    burstOver = true;
    const [during] = await Promise.all([steady, ...flooders]);
    const to = performance.now();
    progress = await propagation.query<CalendarPropagationProgress>('calendarPropagationProgress').catch(() => progress);
    const changedEvents = Number((await db.query(`SELECT count(*) AS n FROM complaint_events WHERE tenant_id = $1 AND type = 'CALENDAR_CHANGED'`, [b.tenantId])).rows[0].n);
    await db.end();
    await connection.close();
    if (stopping()) throw new Error('interrupted');

    const q = summarize(quiet.ms);
    const d = summarize(during.ms);
    const ratio = d.p99 / q.p99;
    const errors = quiet.errors.length + during.errors.length;
    if (errors) say(`noisy: tenant A saw ${errors} error(s), e.g. ${[...quiet.errors, ...during.errors].slice(0, 3).join(' | ')}`);
    const burstSeconds = Math.round(to - from) / 1000;
    return {
      id: 'noisy',
      title: this.title,
      window: { from, to },
      metrics: [
        { label: 'A intake quiet p50/p95/p99', value: fmtLatency(q) },
        { label: 'A intake during burst p50/p95/p99', value: fmtLatency(d) },
        { label: 'A p99 during / quiet (goal ≤ 2×)', value: `${ratio.toFixed(2)}×` },
        { label: 'A errors', value: String(errors) },
        { label: 'B set-up', value: `${open} open complaints${seedErrors.length ? `, ${seedErrors.length} failed` : ''}` },
        { label: 'B flood', value: `${flooded} accepted, ${floodLimited} RATE_LIMITED, ${floodErrors.length} other errors in ${burstSeconds.toFixed(1)} s` },
        { label: 'B setBranchCalendar ×3', value: calendarMs.map((m) => `${m.toFixed(0)} ms`).join(', ') },
        { label: 'B last propagation', value: progress ? `${progress.status}: ${progress.done} of ${progress.total} (CALENDAR_CHANGED events: ${changedEvents})` : 'n/a' },
      ],
      data: {
        open, ratePerSecond: rate, quietSeconds: quietS, burstSeconds, floodClients: flood,
        quietMs: q, duringMs: d, p99Ratio: ratio, errors, errorSamples: [...quiet.errors, ...during.errors].slice(0, 10),
        flood: { accepted: flooded, rateLimited: floodLimited, errors: floodErrors.length, errorSamples: floodErrors.slice(0, 5) },
        setupErrors: seedErrors.length, setBranchCalendarMs: calendarMs, lastPropagation: progress ?? null, calendarChangedEvents: changedEvents,
      },
    };
  },
};
