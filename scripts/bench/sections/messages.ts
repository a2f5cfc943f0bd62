// Every customer hears back: the outbox's step-to-send delay and its delivery rate.
//
// 1. Step to send: N complaints submitted over GraphQL to the bench tenant (PHONE intake, a mobile
//    number: the acknowledgement goes by SMS), with the tenant's SMS channel pointed at a local
//    Aliyun-shaped provider (test/support/providers/sms-provider.ts) and no quiet hours (so the
//    run does not depend on the hour in Asia/Shanghai). Per acknowledgement: sent_at - created_at in
//    outbound_messages (queued in the registration's transaction → marked DELIVERED), and the
//    provider's receipt minus the client's submit.
// 2. Delivered per second: BENCH_MESSAGES_BULK QUEUED rows inserted straight into outbound_messages
//    (as the schema owner, copies of the acknowledgements above under new idempotency keys, with
//    pg_notify as the outbox does), timed until none is QUEUED (times from sent_at, not the poll).
//    Then two tenants at once: the bench tenant's backlog inserted first, a second tenant's (its own
//    provider and channel) right after — what a FIFO would serve strictly one after the other. Each
//    tenant's first and last delivery, and how far each had got when the first one finished.
//    Each phase waits until the results are reported to the complaints' workflows before the next.
// 3. The delivery options in effect (DELIVERY_*, the worker's environment is the bench's).
//
// The bench tenant keeps its SMS channel afterwards (there is no mutation that removes one), pointing
// at the stopped provider: this section runs after every other that submits complaints.
//
//   BENCH_MESSAGES_INTAKE (200)       complaints submitted in part 1 (clients: BENCH_CONCURRENCY)
//   BENCH_MESSAGES_BULK (5000)        rows inserted per tenant in part 2
//   BENCH_MESSAGES_TIMEOUT_S (1800)   the most a phase waits for its messages to be sent (and reported)
import { Client } from 'pg';
import { deliveryOptionsFromEnv, type DeliveryOptions } from '../../../apps/worker/src/delivery/message-delivery';
import { DEFAULT_NOTIFICATIONS } from '../../../libs/domain/src/policy/policy.util';
import { startSmsProvider, type SmsProvider } from '../../../test/support/providers/sms-provider';
import { fmtLatency, intFromEnv, runPool, summarize } from '../stats';
import { provisionTenant, type Gql } from '../stack';
import type { BenchSection, BenchStack, BenchTenant, Metric } from '../types';

const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id reference } }`;
const SET_CHANNEL = `mutation($c: MessageChannel!, $config: JSON!) { setMessageChannel(channel: $c, config: $config) { channel configured } }`;
const SET_POLICY = `mutation($o: JSON!) { setPolicy(overrides: $o) { id } }`;
const POLL_MS = 250;

/** The provider with the time each message arrived (its `received` entries carry none). */
interface TimedProvider {
  provider: SmsProvider;
  /** OutId (the message's idempotency key) → Date.now() at receipt. */
  arrivals: Map<string, number>;
}

async function startTimedProvider(account: { accessKeyId: string; accessKeySecret: string }): Promise<TimedProvider> {
  const provider = await startSmsProvider(account);
  const arrivals = new Map<string, number>();
  // The server pushes onto this very array when it accepts a message: stamp the time there.
  const push = provider.received.push.bind(provider.received);
  provider.received.push = (...items) => {
    const now = Date.now();
    for (const r of items) if (r.outId) arrivals.set(r.outId, now);
    return push(...items);
  };
  return { provider, arrivals };
}

async function configureSms(gql: Gql, tenant: BenchTenant, sms: SmsProvider, account: { accessKeyId: string; accessKeySecret: string }): Promise<void> {
  await gql(SET_CHANNEL, { c: 'SMS', config: { endpoint: sms.url, ...account, signName: '物业服务', templateCode: 'SMS_100001' } }, tenant.tokens.headOffice);
}

const submitInput = (tenant: BenchTenant, key: string, i: number): Record<string, unknown> => ({
  idempotencyKey: key,
  branchId: tenant.branches[i % tenant.branches.length].id,
  channel: 'PHONE',
  kind: 'COMPLAINT',
  category: 'PROPERTY_MANAGEMENT',
  description: `电梯三天没修好 — the lift in building ${1 + (i % 9)} has been out of order for three days (#${i})`,
  location: `Building ${1 + (i % 9)}`,
  complainant: { name: '张女士', phone: `139${String(10_000_000 + i)}`, unit: `${1 + (i % 9)}-${1000 + i}` },
});

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function describeOptions(o: DeliveryOptions): string {
  return `poll ${o.pollMs} ms, batch ${o.batch}, per tenant ${o.perTenant}, concurrency ${o.concurrency}, lease ${o.leaseMs} ms, `
    + `send timeout ${o.sendTimeoutMs} ms, ${o.maxAttempts} attempts from ${o.retryBaseMs} ms`;
}

/** Polls `check` every POLL_MS until it gives a value, the bench stops or `timeoutMs` passes (then null). */
async function until<T>(check: () => Promise<T | null>, timeoutMs: number, stopping: () => boolean): Promise<T | null> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== null) return v;
    if (stopping()) throw new Error('interrupted');
    if (Date.now() > end) return null;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

/**
 * `n` QUEUED copies of the tenant's SMS acknowledgements, keyed `${prefix}${i}`, in one transaction
 * with the outbox's NOTIFY. Returns the insert's time (created_at) as epoch ms.
 */
async function insertBacklog(db: Client, tenantId: string, prefix: string, n: number): Promise<number> {
  await db.query('BEGIN');
  try {
    await db.query(
      `WITH src AS (
         SELECT o.*, row_number() OVER (ORDER BY o.id) - 1 AS k FROM outbound_messages o
          WHERE o.tenant_id = $1 AND o.kind = 'ACKNOWLEDGEMENT' AND o.channel = 'SMS'
       )
       INSERT INTO outbound_messages (id, tenant_id, complaint_id, branch_id, kind, channel, recipient, subject, body, variables, link,
                                      template_version, idempotency_key, meets, urgent, status, not_before, next_attempt_at)
       SELECT gen_random_uuid(), s.tenant_id, s.complaint_id, s.branch_id, 'PROGRESS', 'SMS', s.recipient, s.subject, s.body, s.variables, s.link,
              s.template_version, $2 || g, '{}', false, 'QUEUED', now(), now()
         FROM generate_series(0, $3::int - 1) g JOIN src s ON s.k = g % (SELECT count(*) FROM src)`,
      [tenantId, prefix, n],
    );
    const { rows } = await db.query<{ at: Date; n: string }>(`SELECT now() AS at, (SELECT count(*) FROM outbound_messages WHERE tenant_id = $1 AND idempotency_key LIKE $2 || '%') AS n`, [tenantId, prefix]);
    if (Number(rows[0].n) !== n) throw new Error(`inserted ${rows[0].n} of ${n} messages for tenant ${tenantId} (no SMS acknowledgement to copy?)`);
    await db.query(`SELECT pg_notify('outbound_messages', $1)`, [tenantId]);
    await db.query('COMMIT');
    return rows[0].at.getTime();
  } catch (err) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

interface Drain {
  tenantId: string;
  insertedAt: number;
  delivered: number;
  failed: number;
  queued: number;
  /** ms after insertedAt. */
  firstSentMs: number;
  lastSentMs: number;
  /** Reported to the workflows, ms after insertedAt (null: not all within the timeout). */
  reportedMs: number | null;
}

type DrainRow = { tenant_id: string; queued: string; delivered: string; failed: string; unreported: string; first_sent: Date | null; last_sent: Date | null };

async function drainState(db: Client, prefix: string): Promise<DrainRow[]> {
  return (await db.query<DrainRow>(
    `SELECT tenant_id, count(*) FILTER (WHERE status = 'QUEUED') AS queued, count(*) FILTER (WHERE status = 'DELIVERED') AS delivered,
            count(*) FILTER (WHERE status NOT IN ('QUEUED', 'DELIVERED')) AS failed, count(*) FILTER (WHERE reported_at IS NULL) AS unreported,
            min(sent_at) AS first_sent, max(sent_at) AS last_sent
       FROM outbound_messages WHERE idempotency_key LIKE $1 || '%' GROUP BY tenant_id`,
    [prefix],
  )).rows;
}

/** Waits until none of the prefix's messages is QUEUED, then until all are reported; times from the rows. */
async function drain(db: Client, prefix: string, inserted: { tenantId: string; at: number }[], timeoutMs: number, stopping: () => boolean): Promise<{ drains: Drain[]; timedOut: boolean }> {
  const started = Date.now();
  const sent = await until(async () => {
    const rows = await drainState(db, prefix);
    return rows.every((r) => Number(r.queued) === 0) ? rows : null;
  }, timeoutMs, stopping);
  const reported = sent ? await until(async () => {
    const rows = await drainState(db, prefix);
    return rows.every((r) => Number(r.unreported) === 0) ? Date.now() : null;
  }, Math.max(0, timeoutMs - (Date.now() - started)), stopping) : null;
  const rows = sent ?? await drainState(db, prefix);
  const drains = inserted.map(({ tenantId, at }) => {
    const r = rows.find((x) => x.tenant_id === tenantId);
    return {
      tenantId, insertedAt: at, delivered: Number(r?.delivered ?? 0), failed: Number(r?.failed ?? 0), queued: Number(r?.queued ?? 0),
      firstSentMs: r?.first_sent ? r.first_sent.getTime() - at : NaN, lastSentMs: r?.last_sent ? r.last_sent.getTime() - at : NaN,
      reportedMs: reported === null ? null : reported - at,
    };
  });
  return { drains, timedOut: sent === null || reported === null };
}

export const messagesSection: BenchSection = {
  id: 'messages',
  title: 'Customer messages: the outbox',
  needsStack: true,
  async run({ stack, config, say, stopping }) {
    if (!stack) throw new Error('messages needs the stack');
    const n = intFromEnv('BENCH_MESSAGES_INTAKE', 200);
    const bulk = intFromEnv('BENCH_MESSAGES_BULK', 5000);
    const timeoutMs = intFromEnv('BENCH_MESSAGES_TIMEOUT_S', 1800) * 1000;
    const opts = deliveryOptionsFromEnv(process.env);
    const run = Math.random().toString(36).slice(2, 8);
    const errors: string[] = [];
    const from = performance.now();
    const accountA = { accessKeyId: 'LTAIbenchA', accessKeySecret: `bench-secret-a-${run}` };
    const accountB = { accessKeyId: 'LTAIbenchB', accessKeySecret: `bench-secret-b-${run}` };
    const a = await startTimedProvider(accountA);
    let b: TimedProvider | null = null;
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      say(`messages: delivery options ${describeOptions(opts)}`);
      const tenant = stack.tenant;
      await configureSms(stack.gql, tenant, a.provider, accountA);
      // No quiet hours, so an acknowledgement goes at once whatever the hour in the branches' zone.
      await stack.gql(SET_POLICY, { o: { notifications: { ...DEFAULT_NOTIFICATIONS, quietStart: '00:00', quietEnd: '00:00' } } }, tenant.tokens.headOffice);

      // 1. Step to send.
      say(`messages: ${n} complaints from ${config.concurrency} clients, each acknowledged by SMS…`);
      const submittedAt = new Map<string, number>(); // complaint id → Date.now() before its submit
      await runPool(n, config.concurrency, async (i) => {
        if (stopping()) return;
        try {
          const t0 = Date.now();
          const c = (await stack.gql<{ submitComplaint: { id: string } }>(SUBMIT, { input: submitInput(tenant, `msg-${run}-${i}`, i) }, tenant.tokens.dispatchers[i % tenant.branches.length])).submitComplaint;
          submittedAt.set(c.id, t0);
        } catch (err) {
          errors.push(`submit: ${(err as Error).message}`);
        }
      });
      if (stopping()) throw new Error('interrupted');
      const ids = [...submittedAt.keys()];
      type AckRow = { status: string; delay_ms: number | null; failure_reason: string | null; idempotency_key: string };
      const acks = async (): Promise<AckRow[]> => (await db.query<AckRow>(
        `SELECT status, extract(epoch FROM sent_at - created_at) * 1000 AS delay_ms, failure_reason, idempotency_key FROM outbound_messages
          WHERE tenant_id = $1 AND kind = 'ACKNOWLEDGEMENT' AND complaint_id = ANY($2::uuid[])`,
        [tenant.tenantId, ids],
      )).rows;
      const ackRows = (await until(async () => {
        const rows = await acks();
        return rows.length === ids.length && rows.every((r) => r.status !== 'QUEUED') ? rows : null;
      }, timeoutMs, stopping)) ?? await acks();
      const notDelivered = ackRows.filter((r) => r.status !== 'DELIVERED');
      if (ackRows.length < ids.length) errors.push(`${ids.length - ackRows.length} complaint(s) queued no acknowledgement`);
      if (notDelivered.length) errors.push(`${notDelivered.length} acknowledgement(s) not delivered, e.g. ${notDelivered[0].status} ${notDelivered[0].failure_reason ?? ''}`);
      const stepToSend = summarize(ackRows.filter((r) => r.delay_ms !== null).map((r) => Number(r.delay_ms)));
      const submitToProvider = summarize(ackRows.flatMap((r) => {
        const got = a.arrivals.get(r.idempotency_key);
        const sent = submittedAt.get(r.idempotency_key.split(':')[0]);
        return got !== undefined && sent !== undefined ? [got - sent] : [];
      }));
      say(`messages: step to send ${fmtLatency(stepToSend)}; submit to provider ${fmtLatency(submitToProvider)}`);

      // 2a. One tenant's backlog.
      say(`messages: ${bulk} messages queued at once for one tenant…`);
      const onePrefix = `bench-bulk-${run}-one-`;
      const oneAt = await insertBacklog(db, tenant.tenantId, onePrefix, bulk);
      const one = await drain(db, onePrefix, [{ tenantId: tenant.tenantId, at: oneAt }], timeoutMs, stopping);
      const [solo] = one.drains;
      if (one.timedOut) errors.push(`one tenant: not all sent and reported within ${seconds(timeoutMs)} (${solo.delivered} delivered, ${solo.queued} queued)`);
      if (solo.failed) errors.push(`one tenant: ${solo.failed} message(s) failed`);
      const soloRate = (solo.delivered / solo.lastSentMs) * 1000;
      say(`messages: one tenant: ${solo.delivered} delivered in ${seconds(solo.lastSentMs)} → ${soloRate.toFixed(1)} messages/s; reported after ${solo.reportedMs === null ? 'n/a' : seconds(solo.reportedMs)}`);

      // 2b. Two tenants: the bench tenant's backlog first, a second tenant's right after.
      say(`messages: two tenants, ${bulk} messages each (the second queued just after the first)…`);
      b = await startTimedProvider(accountB);
      const other = await provisionTenant(stack.gql, stack.jwtSecret);
      await configureSms(stack.gql, other, b.provider, accountB);
      await stack.gql(SET_POLICY, { o: { notifications: { ...DEFAULT_NOTIFICATIONS, quietStart: '00:00', quietEnd: '00:00' } } }, other.tokens.headOffice);
      const few = Math.min(n, 10);
      await runPool(few, Math.min(few, config.concurrency), async (i) => {
        await stack.gql(SUBMIT, { input: submitInput(other, `msg-${run}-b-${i}`, i) }, other.tokens.dispatchers[i % other.branches.length]);
      });
      // Its acknowledgements first, so the measured backlog is the only thing queued.
      const settled = await until(async () => {
        const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM outbound_messages WHERE tenant_id = $1 AND kind = 'ACKNOWLEDGEMENT' AND status <> 'QUEUED'`, [other.tenantId]);
        return Number(rows[0].n) >= few ? true : null;
      }, timeoutMs, stopping);
      if (!settled) errors.push(`second tenant: its ${few} acknowledgements were not sent within ${seconds(timeoutMs)}`);
      const twoPrefix = `bench-bulk-${run}-two-`;
      const aAt = await insertBacklog(db, tenant.tenantId, twoPrefix, bulk);
      const bAt = await insertBacklog(db, other.tenantId, twoPrefix, bulk);
      const two = await drain(db, twoPrefix, [{ tenantId: tenant.tenantId, at: aAt }, { tenantId: other.tenantId, at: bAt }], timeoutMs, stopping);
      const [ta, tb] = two.drains;
      if (two.timedOut) errors.push(`two tenants: not all sent and reported within ${seconds(timeoutMs)} (${ta.delivered} + ${tb.delivered} delivered)`);
      if (ta.failed + tb.failed) errors.push(`two tenants: ${ta.failed + tb.failed} message(s) failed`);
      const twoMs = Math.max(ta.insertedAt + ta.lastSentMs, tb.insertedAt + tb.lastSentMs) - aAt;
      const twoRate = ((ta.delivered + tb.delivered) / twoMs) * 1000;
      // How far each had got when the first of them was done: a fair share gives about half each.
      // (In SQL: sent_at has microseconds, a JS Date only milliseconds.)
      const { rows: shareRows } = await db.query<{ tenant_id: string; n: string }>(
        `WITH m AS (SELECT * FROM outbound_messages WHERE idempotency_key LIKE $1 || '%' AND status = 'DELIVERED'),
              first_done AS (SELECT min(last) AS at FROM (SELECT max(sent_at) AS last FROM m GROUP BY tenant_id) x)
         SELECT tenant_id, count(*) AS n FROM m WHERE sent_at <= (SELECT at FROM first_done) GROUP BY tenant_id`,
        [twoPrefix],
      );
      const shareOf = (t: string): number => Number(shareRows.find((r) => r.tenant_id === t)?.n ?? 0);
      const tenantLine = (d: Drain): string =>
        `${d.delivered} of ${bulk}: first after ${seconds(d.firstSentMs)}, last after ${seconds(d.lastSentMs)}; ${shareOf(d.tenantId)} sent when the first tenant finished`;
      say(`messages: two tenants: ${twoRate.toFixed(1)} messages/s; first ${tenantLine(ta)}; second ${tenantLine(tb)}`);

      const to = performance.now();
      const receivedB = b.provider.received.length;
      const metrics: Metric[] = [
        { label: 'delivery options', value: describeOptions(opts) },
        { label: 'acknowledgements (clients)', value: `${ackRows.length - notDelivered.length} of ${n} delivered (${config.concurrency})` },
        { label: 'step to send (sent_at - created_at) p50/p95/p99', value: fmtLatency(stepToSend) },
        { label: 'submit to provider receipt p50/p95/p99', value: fmtLatency(submitToProvider) },
        { label: 'one tenant: delivered per second', value: `${soloRate.toFixed(1)} messages/s (${solo.delivered} of ${bulk} in ${seconds(solo.lastSentMs)}); all reported after ${solo.reportedMs === null ? 'n/a' : seconds(solo.reportedMs)}` },
        { label: 'two tenants: delivered per second', value: `${twoRate.toFixed(1)} messages/s (${ta.delivered + tb.delivered} of ${2 * bulk} in ${seconds(twoMs)})` },
        { label: 'two tenants: first (queued first)', value: tenantLine(ta) },
        { label: 'two tenants: second (queued after)', value: tenantLine(tb) },
        { label: 'errors', value: String(errors.length) },
      ];
      if (errors.length) say(`messages: ${errors.length} error(s), e.g. ${errors.slice(0, 3).join(' | ')}`);
      return {
        id: 'messages', title: this.title, window: { from, to }, metrics,
        data: {
          deliveryOptions: opts, intake: n, bulk, concurrency: config.concurrency,
          acknowledgementsDelivered: ackRows.length - notDelivered.length, stepToSendMs: stepToSend, submitToProviderMs: submitToProvider,
          oneTenant: { ...solo, messagesPerSecond: soloRate },
          twoTenants: {
            messagesPerSecond: twoRate, seconds: twoMs / 1000, receivedBySecondProvider: receivedB,
            tenants: [ta, tb].map((d) => ({ ...d, sentWhenFirstFinished: shareOf(d.tenantId) })),
          },
          errors: errors.length, errorSamples: errors.slice(0, 10),
        },
      };
    } finally {
      await db.end().catch(() => undefined);
      await Promise.all([a.provider.stop(), b?.provider.stop()]);
      // The bench tenant's quiet hours back to the product's default (its SMS channel stays: see above).
      await stack.gql(SET_POLICY, { o: { notifications: { ...DEFAULT_NOTIFICATIONS } } }, stack.tenant.tokens.headOffice).catch(() => undefined);
    }
  },
};
