// Live updates: an action through the main gateway → the subscriber on another gateway process
// notified over graphql-ws (PostgreSQL NOTIFY at the projection's commit → LISTEN on the other
// gateway → re-read under the subscriber's scope → sent). Actions one at a time, so the figure is
// the path's latency, not a queue. The action's commit lies between the mutation being sent and
// its answer (the gateway answers once the write has committed), so "sent → notified" bounds
// "committed → notified" from above; "answered → notified" is negative when the subscriber heard of
// the change before the acting client had its answer.
// Then escalationRaised: emergency intakes, each raising an escalation (the bench tenant has no branch
// manager, so it skips to the head office, which subscribes): raised (the escalation's raisedAt, the
// worker's clock) → notified (this process's clock, same machine).
//   BENCH_LIVE_ACTIONS (50)   actions (half intakes, half dispatches); as many emergency intakes
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { fmtLatency, intFromEnv, summarize } from '../stats';
import type { BenchSection } from '../types';

const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id } }`;
const DISPATCH = `mutation($id: ID!, $a: ID!) { dispatchComplaint(id: $id, assigneeId: $a) { id } }`;
const UPDATED = `subscription($b: ID) { complaintUpdated(branchId: $b) { id status } }`;
const RAISED = `subscription { escalationRaised { id raisedAt } }`;
const WAIT_MS = 30_000;

export const liveUpdatesSection: BenchSection = {
  id: 'live-updates',
  title: 'Live updates: action → subscriber on another gateway (graphql-ws)',
  needsStack: true,
  async run({ stack, say, stopping }) {
    if (!stack) throw new Error('live-updates needs the stack');
    const n = intFromEnv('BENCH_LIVE_ACTIONS', 50, 2);
    const otherGateway = await stack.extraGateway({});
    const branch = stack.tenant.branches[0];
    const dispatcherToken = stack.tenant.tokens.dispatchers[0];
    // Who hears of what: "<id>/<status>" → when.
    const heard = new Map<string, number>();
    const waiters = new Map<string, () => void>();
    const client = createClient({
      url: otherGateway.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false,
      connectionParams: { authorization: `Bearer ${stack.tenant.tokens.headOffice}` },
    });
    const failures: unknown[] = [];
    const dispose = client.subscribe<{ complaintUpdated: { id: string; status: string } }>({ query: UPDATED, variables: { b: branch.id } }, {
      next: (v) => {
        const u = v.data?.complaintUpdated;
        if (!u) return;
        const key = `${u.id}/${u.status}`;
        if (!heard.has(key)) heard.set(key, performance.now());
        waiters.get(key)?.();
      },
      error: (e) => failures.push(e),
      complete: () => undefined,
    });
    const heardOf = (key: string): Promise<number> => new Promise((resolve, reject) => {
      const at = heard.get(key);
      if (at !== undefined) return resolve(at);
      const timer = setTimeout(() => reject(new Error(`the subscriber did not hear of ${key} within ${WAIT_MS} ms`)), WAIT_MS);
      waiters.set(key, () => {
        clearTimeout(timer);
        waiters.delete(key);
        resolve(heard.get(key)!);
      });
    });
    const input = (key: string) => ({
      idempotencyKey: key, branchId: branch.id, channel: 'PHONE', kind: 'COMPLAINT', category: 'PROPERTY_MANAGEMENT',
      description: '电梯又坏了 — the lift is out of order again', complainant: { name: '李先生', phone: '13800138000', unit: '5-502' },
    });

    const sentToNotified: number[] = [];
    const answeredToNotified: number[] = [];
    const errors: string[] = [];
    const from = performance.now();
    try {
      // The subscription registers asynchronously: intakes until the first one is heard.
      let warm = false;
      for (let i = 0; i < 20 && !warm && !stopping(); i++) {
        const id = (await stack.gql<{ submitComplaint: { id: string } }>(SUBMIT, { input: input(`live-warmup-${Date.now()}-${i}`) }, dispatcherToken)).submitComplaint.id;
        warm = await Promise.race([heardOf(`${id}/RECEIVED`).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 2_000))]);
      }
      if (!warm) throw new Error(`the subscriber on the other gateway never heard of an intake (${JSON.stringify(failures)})`);
      let pending: string | null = null;
      for (let i = 0; i < n && !stopping(); i++) {
        try {
          const sent = performance.now();
          let key: string;
          if (pending && i % 2 === 1) {
            await stack.gql(DISPATCH, { id: pending, a: branch.dispatcher }, dispatcherToken);
            key = `${pending}/DISPATCHED`;
            pending = null;
          } else {
            pending = (await stack.gql<{ submitComplaint: { id: string } }>(SUBMIT, { input: input(`live-${Date.now()}-${i}`) }, dispatcherToken)).submitComplaint.id;
            key = `${pending}/RECEIVED`;
          }
          const answered = performance.now();
          const notified = await heardOf(key);
          sentToNotified.push(notified - sent);
          answeredToNotified.push(notified - answered);
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
    } finally {
      dispose();
      await client.dispose();
    }
    // escalationRaised: the head office on the other gateway; one emergency at a time.
    const raisedToNotified: number[] = [];
    const intakeToNotified: number[] = [];
    const raised: { id: string; raisedAt: number; notified: number }[] = [];
    let onRaised: (() => void) | null = null;
    const escClient = createClient({
      url: otherGateway.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false,
      connectionParams: { authorization: `Bearer ${stack.tenant.tokens.headOffice}` },
    });
    const escDispose = escClient.subscribe<{ escalationRaised: { id: string; raisedAt: string } }>({ query: RAISED }, {
      next: (v) => {
        const e = v.data?.escalationRaised;
        if (!e) return;
        raised.push({ id: e.id, raisedAt: Date.parse(e.raisedAt), notified: Date.now() });
        onRaised?.();
      },
      error: (e) => failures.push(e),
      complete: () => undefined,
    });
    const nextRaised = (after: number): Promise<boolean> => new Promise((resolve) => {
      if (raised.length > after) return resolve(true);
      const timer = setTimeout(() => {
        onRaised = null;
        resolve(false);
      }, WAIT_MS);
      onRaised = () => {
        clearTimeout(timer);
        onRaised = null;
        resolve(true);
      };
    });
    const emergency = async (key: string): Promise<void> => {
      await stack.gql(SUBMIT, { input: { ...input(key), emergency: true } }, dispatcherToken);
    };
    try {
      let warm = false;
      for (let i = 0; i < 10 && !warm && !stopping(); i++) {
        const before = raised.length;
        await emergency(`live-esc-warmup-${Date.now()}-${i}`);
        warm = await Promise.race([nextRaised(before), new Promise<boolean>((r) => setTimeout(() => r(false), 3_000))]);
      }
      if (!warm) throw new Error(`the head office never heard of an escalation (${JSON.stringify(failures)})`);
      await new Promise((r) => setTimeout(r, 500));
      for (let i = 0; i < n && !stopping(); i++) {
        try {
          const before = raised.length;
          const sentAt = Date.now();
          await emergency(`live-esc-${Date.now()}-${i}`);
          if (!(await nextRaised(before))) throw new Error(`no escalation heard within ${WAIT_MS} ms`);
          const e = raised[before];
          raisedToNotified.push(e.notified - e.raisedAt);
          intakeToNotified.push(e.notified - sentAt);
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
    } catch (err) {
      errors.push((err as Error).message);
    } finally {
      escDispose();
      await escClient.dispose();
    }
    const to = performance.now();
    if (stopping()) throw new Error('interrupted');
    const esc = summarize(raisedToNotified);
    const escIntake = summarize(intakeToNotified);
    const sent = summarize(sentToNotified);
    const answered = summarize(answeredToNotified);
    if (errors.length) say(`live-updates: ${errors.length} error(s), e.g. ${errors.slice(0, 3).join(' | ')}`);
    return {
      id: 'live-updates',
      title: this.title,
      window: { from, to },
      metrics: [
        { label: 'actions (intake, dispatch)', value: `${sentToNotified.length} of ${n}, subscriber on a second gateway process` },
        { label: 'complaintUpdated: action sent → notified p50/p95/p99 (≥ committed → notified)', value: fmtLatency(sent) },
        { label: 'complaintUpdated: action answered → notified p50/p95/p99', value: fmtLatency(answered) },
        { label: 'escalationRaised: raised → notified p50/p95/p99', value: fmtLatency(esc) },
        { label: 'escalationRaised: emergency intake sent → notified p50/p95/p99', value: fmtLatency(escIntake) },
        { label: 'errors', value: String(errors.length) },
      ],
      data: {
        actions: n, delivered: sentToNotified.length, sentToNotifiedMs: sent, answeredToNotifiedMs: answered,
        escalations: raisedToNotified.length, escalationRaisedToNotifiedMs: esc, emergencyIntakeToNotifiedMs: escIntake,
        errors: errors.length, errorSamples: errors.slice(0, 10),
      },
    };
  },
};
