// Timer lateness: N complaints (default 1,000) whose CUSTOMER_REPLY deadlines all fall due within
// the same minute, through the real product (GraphQL intake, one workflow and one durable timer
// each). Lateness = when the workflow recorded the breach minus the due time, read back from the
// timeline. The complaints are back-dated by the policy's 24 h so their due times line up.
import { Client } from 'pg';
import { intFromEnv, runPool, summarize } from '../stats';
import type { BenchSection } from '../types';

const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id } }`;
const REPLY_MS = 24 * 3600_000; // pm-branch CUSTOMER_REPLY: PT24H calendar time

export const timersSection: BenchSection = {
  id: 'timers',
  title: 'Timer lateness: deadlines due within one minute',
  needsStack: true,
  async run({ stack, config, say, results }) {
    if (!stack) throw new Error('timers needs the stack');
    const n = intFromEnv('BENCH_TIMERS', 1000);
    // Lead time: long enough to submit them all before the first falls due (from intake's measured rate).
    const rate = Number((results.find((r) => r.id === 'intake')?.data as { complaintsPerSecond?: number } | undefined)?.complaintsPerSecond) || 20;
    const leadMs = Math.max(30_000, Math.ceil((n / rate) * 1.5 * 1000));
    const dueStart = Date.now() + leadMs;
    // Spread over one minute: the i-th complaint is due at dueStart + i * 60 s / n.
    const dueAt = (i: number): number => dueStart + Math.floor((i * 60_000) / n);
    say(`timers: submitting ${n} complaints due between +${Math.round(leadMs / 1000)} s and +${Math.round((leadMs + 60_000) / 1000)} s…`);
    const from = performance.now();
    const late: number[] = [];
    await runPool(n, config.concurrency, async (i) => {
      const b = i % stack.tenant.branches.length;
      const receivedAt = new Date(dueAt(i) - REPLY_MS).toISOString();
      await stack.gql(SUBMIT, {
        input: {
          idempotencyKey: `timer-${i}`, branchId: stack.tenant.branches[b].id, channel: 'PHONE', kind: 'COMPLAINT', category: 'OTHER',
          description: `Timer lateness probe #${i}`, complainant: { name: 'Bench', phone: '13800138000' }, receivedAt,
        },
      }, stack.tenant.tokens.dispatchers[b]);
      if (Date.now() > dueAt(i)) late.push(i);
    });
    const submittedIn = performance.now() - from;
    say(`timers: submitted in ${(submittedIn / 1000).toFixed(1)} s${late.length ? ` (${late.length} only after their due time: excluded)` : ''}; waiting for the timers…`);
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    try {
      const query = async () =>
        (await db.query(
          `SELECT (EXTRACT(EPOCH FROM e.at) * 1000 - EXTRACT(EPOCH FROM (e.data->>'dueAt')::timestamptz) * 1000)::float8 AS late_ms, c.idempotency_key AS key
             FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
            WHERE e.type = 'DEADLINE_BREACHED' AND e.data->>'kind' = 'CUSTOMER_REPLY' AND c.idempotency_key LIKE 'timer-%'`,
        )).rows as { late_ms: number; key: string }[];
      const until = dueStart + 60_000 + 120_000;
      let rows = await query();
      while (rows.length < n && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 1000));
        rows = await query();
      }
      const excluded = new Set(late.map((i) => `timer-${i}`));
      const lateness = summarize(rows.filter((r) => !excluded.has(r.key)).map((r) => r.late_ms));
      const missing = n - rows.length;
      const to = performance.now();
      return {
        id: 'timers',
        title: this.title,
        window: { from, to },
        metrics: [
          { label: 'timers (due within)', value: `${n} (60 s), intake ${(submittedIn / 1000).toFixed(1)} s` },
          { label: 'fired - due p50/p99', value: `${lateness.p50.toFixed(0)} / ${lateness.p99.toFixed(0)} ms (max ${lateness.max.toFixed(0)}, n=${lateness.count})` },
          { label: 'not fired within 2 min of the window', value: String(missing) },
        ],
        data: { timers: n, leadMs, submittedSeconds: submittedIn / 1000, latenessMs: lateness, excludedSubmittedLate: late.length, missing },
      };
    } finally {
      await db.end();
    }
  },
};
