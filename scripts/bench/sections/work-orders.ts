// Work orders: N orders (default 1,000) issued and completed through the gateway by C concurrent
// clients. Each client issues an order on a REPAIR complaint (the mutation answers once the order's
// workflow has written its row), then the contractor books the visit and completes it with the
// customer's signature: three Updates on the order's own workflow. Measured: issueWorkOrder alone,
// and the whole issue → contact → complete chain; orders/s = completed orders over the wall time.
// The REPAIR complaints are submitted first (not measured).
import { Client } from 'pg';
import { fmtLatency, intFromEnv, runPool, summarize } from '../stats';
import type { BenchSection, BenchStack } from '../types';

const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id } }`;
const CREATE_CONTRACTOR = `mutation($n: String!, $b: ID!) { createContractor(name: $n, trades: [GENERAL_REPAIR], branchId: $b) { user { id } } }`;
const ISSUE = `mutation($c: ID!, $k: ID!, $d: String!, $r: String) { issueWorkOrder(complaintId: $c, contractorId: $k, description: $d, requestId: $r) { id status attempt } }`;
const CONTACT = `mutation($id: ID!, $at: DateTime!, $r: String) { recordContractorContact(id: $id, bookedFor: $at, requestId: $r) { id status } }`;
const COMPLETE = `mutation($id: ID!, $m: [MaterialInput!], $charge: Float, $r: String) {
  completeWorkOrder(id: $id, materials: $m, chargeYuan: $charge, customerSigned: true, signedBy: "张女士", requestId: $r) { id status customerSigned } }`;

type Order = { id: string; status: string; attempt?: number; customerSigned?: boolean };

async function submitRepair(stack: BenchStack, key: string, i: number): Promise<string> {
  const b = i % stack.tenant.branches.length;
  const input = {
    idempotencyKey: key, branchId: stack.tenant.branches[b].id, channel: 'PHONE', kind: 'REPAIR', category: 'PROPERTY_MANAGEMENT',
    description: `水龙头漏水 — the kitchen tap is leaking (#${i})`, location: `Building ${1 + (i % 9)}`,
    complainant: { name: '张女士', phone: '13800138000', unit: `${1 + (i % 9)}-${1000 + i}` },
  };
  return (await stack.gql<{ submitComplaint: { id: string } }>(SUBMIT, { input }, stack.tenant.tokens.dispatchers[b])).submitComplaint.id;
}

export const workOrdersSection: BenchSection = {
  id: 'work-orders',
  title: 'Work orders: issue → contact → complete (signed) over GraphQL',
  needsStack: true,
  async run({ stack, config, say, stopping }) {
    if (!stack) throw new Error('work-orders needs the stack');
    const n = intFromEnv('BENCH_WORK_ORDERS', 1000);
    const c = config.concurrency;
    const tag = Math.random().toString(36).slice(2, 8);
    const branches = stack.tenant.branches;

    // One contractor per branch (GENERAL_REPAIR), acting with its own token.
    const contractors: { id: string; token: string }[] = [];
    for (const b of branches) {
      const id = (await stack.gql<{ createContractor: { user: { id: string } } }>(CREATE_CONTRACTOR, { n: `Bench Repairs ${b.code} ${tag}`, b: b.id }, stack.tenant.tokens.headOffice)).createContractor.user.id;
      contractors.push({ id, token: stack.token(id) });
    }

    const warm = c;
    say(`work-orders: submitting ${n + warm} REPAIR complaints (not measured)…`);
    const complaints: string[] = new Array(n + warm);
    await runPool(n + warm, c, async (i) => void (complaints[i] = await submitRepair(stack, `wo-${tag}-${i}`, i)));
    if (stopping()) throw new Error('interrupted');

    const issueMs: number[] = [];
    const chainMs: number[] = [];
    const errors: string[] = [];
    const orderIds: string[] = [];
    const one = async (i: number, measure: boolean): Promise<void> => {
      const b = i % branches.length;
      const k = contractors[b];
      const t0 = performance.now();
      const issued = (await stack.gql<{ issueWorkOrder: Order }>(ISSUE, {
        c: complaints[i], k: k.id, d: `Replace the tap washer (#${i})`, r: `wo-issue-${tag}-${i}`,
      }, stack.tenant.tokens.dispatchers[b])).issueWorkOrder;
      const t1 = performance.now();
      if (issued.status !== 'ISSUED' || issued.attempt !== 1) throw new Error(`issue #${i} gave ${JSON.stringify(issued)}`);
      const bookedFor = new Date(Date.now() + 2 * 3600_000).toISOString();
      const booked = (await stack.gql<{ recordContractorContact: Order }>(CONTACT, { id: issued.id, at: bookedFor, r: `wo-contact-${tag}-${i}` }, k.token)).recordContractorContact;
      if (booked.status !== 'BOOKED') throw new Error(`contact #${i} gave ${JSON.stringify(booked)}`);
      const done = (await stack.gql<{ completeWorkOrder: Order }>(COMPLETE, {
        id: issued.id, m: [{ name: 'Tap washer', source: 'COMPANY', amountYuan: 5, checkPassed: true }], charge: i % 4 === 0 ? 30 : null, r: `wo-complete-${tag}-${i}`,
      }, k.token)).completeWorkOrder;
      if (done.status !== 'COMPLETED' || !done.customerSigned) throw new Error(`complete #${i} gave ${JSON.stringify(done)}`);
      if (measure) {
        issueMs.push(t1 - t0);
        chainMs.push(performance.now() - t0);
        orderIds.push(issued.id);
      }
    };

    // Warm-up (not measured): one order per client.
    await runPool(warm, c, async (i) => {
      try {
        await one(n + i, false);
      } catch (err) {
        errors.push(`warm-up: ${(err as Error).message}`);
      }
    });

    say(`work-orders: ${n} orders from ${c} concurrent clients (each: issue, contact, complete with signature)…`);
    const from = performance.now();
    const wallMs = await runPool(n, c, async (i) => {
      if (stopping()) return;
      try {
        await one(i, true);
      } catch (err) {
        errors.push((err as Error).message);
      }
    });
    const to = performance.now();
    if (stopping()) throw new Error('interrupted');

    // Cross-check in the database: every measured order's row is COMPLETED and signed, one attempt each.
    const db = new Client({ connectionString: stack.databaseUrl });
    await db.connect();
    let rows = 0;
    let attempts = 0;
    try {
      rows = Number((await db.query(`SELECT count(*) AS n FROM work_orders WHERE id = ANY($1::uuid[]) AND status = 'COMPLETED' AND customer_signed`, [orderIds])).rows[0].n);
      attempts = Number((await db.query(`SELECT count(*) AS n FROM work_order_attempts WHERE work_order_id = ANY($1::uuid[])`, [orderIds])).rows[0].n);
    } finally {
      await db.end();
    }
    if (rows !== orderIds.length) errors.push(`${orderIds.length - rows} completed order(s) not COMPLETED and signed in work_orders`);
    if (attempts !== orderIds.length) errors.push(`${attempts} attempt rows for ${orderIds.length} orders`);

    const throughput = (chainMs.length / wallMs) * 1000;
    const issue = summarize(issueMs);
    const chain = summarize(chainMs);
    if (errors.length) say(`work-orders: ${errors.length} error(s), e.g. ${errors.slice(0, 3).join(' | ')}`);
    return {
      id: 'work-orders',
      title: this.title,
      window: { from, to },
      metrics: [
        { label: 'orders (clients)', value: `${n} (${c}), +${warm} warm-up` },
        { label: 'throughput', value: `${throughput.toFixed(1)} orders/s issued and completed  (${(wallMs / 1000).toFixed(1)} s)` },
        { label: 'issueWorkOrder p50/p95/p99', value: fmtLatency(issue) },
        { label: 'issue → complete p50/p95/p99', value: fmtLatency(chain) },
        { label: 'rows COMPLETED + signed', value: `${rows} of ${n}` },
        { label: 'errors', value: String(errors.length) },
      ],
      data: {
        orders: n, concurrency: c, warmup: warm, wallSeconds: Math.round(wallMs) / 1000, ordersPerSecond: throughput,
        issueMs: issue, issueToCompleteMs: chain, completedSignedRows: rows, attemptRows: attempts,
        errors: errors.length, errorSamples: errors.slice(0, 10),
      },
    };
  },
};
