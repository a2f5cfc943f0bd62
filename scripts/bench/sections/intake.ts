// Intake throughput: N complaints submitted over GraphQL by C concurrent clients. Each client
// submits (the mutation answers once the complaint's workflow has written its row) and reads the
// complaint back; meanwhile two clients keep listing complaints, to see reads under write load.
import { Client } from 'pg';
import { fmtLatency, runPool, summarize, timed } from '../stats';
import type { BenchSection, BenchStack } from '../types';

const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id reference status workflowId } }`;
const READ_BACK = `query($id: ID!) { complaint(id: $id) { id reference status workflowId } }`;
export const LIST = `query { complaints(first: 20) { totalCount edges { cursor node { id reference status severity receivedAt branch { code } } } pageInfo { hasNextPage endCursor } } }`;

const CHANNELS = ['PHONE', 'WECHAT', 'WEB_FORM', 'WALK_IN', 'EMAIL'];
const CATEGORIES = ['PROPERTY_MANAGEMENT', 'CUSTOMER_SERVICE', 'CONSTRUCTION_QUALITY', 'OTHER'];
const TEXTS = [
  '电梯三天没修好 — the lift in building 3 has been out of order for three days',
  '楼上漏水 — water leaking from the flat above',
  '垃圾没有清运 — rubbish not collected near building 2',
  '门禁卡失效 — access cards stopped working at the north gate',
];

type Ref = { id: string; reference: string; status: string; workflowId: string };

function input(stack: BenchStack, key: string, i: number): { input: Record<string, unknown>; token: string } {
  const b = i % stack.tenant.branches.length;
  return {
    token: stack.tenant.tokens.dispatchers[b],
    input: {
      idempotencyKey: key,
      branchId: stack.tenant.branches[b].id,
      channel: CHANNELS[i % CHANNELS.length],
      kind: 'COMPLAINT',
      category: CATEGORIES[i % CATEGORIES.length],
      description: `${TEXTS[i % TEXTS.length]} (#${i})`,
      location: `Building ${1 + (i % 9)}`,
      complainant: { name: '张女士', phone: '13800138000', unit: `${1 + (i % 9)}-${1000 + i}` },
    },
  };
}

/** Submit, then read back: the row must be there, RECEIVED, with its workflow. */
async function submitAndVerify(stack: BenchStack, key: string, i: number): Promise<{ submitMs: number; totalMs: number }> {
  const { input: inp, token } = input(stack, key, i);
  const t0 = performance.now();
  const submitted = (await stack.gql<{ submitComplaint: Ref }>(SUBMIT, { input: inp }, token)).submitComplaint;
  const submitMs = performance.now() - t0;
  const back = (await stack.gql<{ complaint: Ref | null }>(READ_BACK, { id: submitted.id }, token)).complaint;
  if (!back || back.id !== submitted.id || back.status !== 'RECEIVED' || !back.workflowId) {
    throw new Error(`read-back of ${submitted.reference} gave ${JSON.stringify(back)}`);
  }
  return { submitMs, totalMs: performance.now() - t0 };
}

export const intakeSection: BenchSection = {
  id: 'intake',
  title: 'Intake: submitComplaint over GraphQL',
  needsStack: true,
  async run({ stack, config, say, stopping }) {
    if (!stack) throw new Error('intake needs the stack');
    const { complaints: n, concurrency: c } = config;
    const run = Math.random().toString(36).slice(2, 8);

    // Warm-up (not measured): one complaint per client, so JIT, pools and caches are warm.
    await runPool(c, c, async (i) => void (await submitAndVerify(stack, `warm-${run}-${i}`, i)));

    say(`intake: ${n} complaints from ${c} concurrent clients (each: submit, then read back), with 2 clients listing meanwhile…`);
    const submitMs: number[] = [];
    const totalMs: number[] = [];
    const listMs: number[] = [];
    const errors: string[] = [];
    let done = false;
    const listers = Array.from({ length: 2 }, async () => {
      while (!done && !stopping()) {
        try {
          listMs.push((await timed(() => stack.gql(LIST, {}, stack.tenant.tokens.headOffice))).ms);
        } catch (err) {
          errors.push(`list: ${(err as Error).message}`);
        }
      }
    });
    const from = performance.now();
    const wallMs = await runPool(n, c, async (i) => {
      if (stopping()) return;
      try {
        const r = await submitAndVerify(stack, `bench-${run}-${i}`, i);
        submitMs.push(r.submitMs);
        totalMs.push(r.totalMs);
      } catch (err) {
        errors.push((err as Error).message);
      }
    });
    done = true;
    await Promise.all(listers);
    const to = performance.now();
    if (stopping()) throw new Error('interrupted');

    // Cross-check in the database: every complaint has its row.
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    const rows = Number((await db.query(`SELECT count(*) AS n FROM complaints WHERE tenant_id = $1 AND idempotency_key LIKE $2`, [stack.tenant.tenantId, `bench-${run}-%`])).rows[0].n);
    await db.end();

    const throughput = (submitMs.length / wallMs) * 1000;
    const submit = summarize(submitMs);
    const total = summarize(totalMs);
    const list = summarize(listMs);
    if (errors.length) say(`intake: ${errors.length} error(s), e.g. ${errors.slice(0, 3).join(' | ')}`);
    return {
      id: 'intake',
      title: this.title,
      window: { from, to },
      metrics: [
        { label: 'complaints (clients)', value: `${n} (${c}), +${c} warm-up` },
        { label: 'throughput', value: `${throughput.toFixed(1)} complaints/s  (${(wallMs / 1000).toFixed(1)} s)` },
        { label: 'submitComplaint p50/p95/p99', value: fmtLatency(submit) },
        { label: 'submit + read-back p50/p95/p99', value: fmtLatency(total) },
        { label: 'list during intake p50/p95/p99', value: fmtLatency(list) },
        { label: 'rows in the database', value: `${rows} of ${n}` },
        { label: 'errors', value: String(errors.length) },
      ],
      data: {
        complaints: n, concurrency: c, warmup: c, wallSeconds: Math.round(wallMs) / 1000, complaintsPerSecond: throughput,
        submitMs: submit, submitAndReadBackMs: total, listDuringIntakeMs: list, rowsInDatabase: rows,
        errors: errors.length, errorSamples: errors.slice(0, 10),
      },
    };
  },
};
