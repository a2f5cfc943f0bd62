import { Client, Connection } from '@temporalio/client';
import { URL } from 'url';
import { actionUpdateId } from '../apps/gateway/src/complaints/services/complaint-engine.service';
import { isDeadlineExceeded } from '../apps/gateway/src/common/infrastructure-errors';
import { stateQuery } from '../workflows/shared/updates';
import { COMPLAINT_FIELDS, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack, eventually, temporalAddress } from './support/stack';
import { TcpProxy } from './support/tcp-proxy';

const act = (mutation: string, args: string) => `mutation { ${mutation}(${args}) { ${COMPLAINT_FIELDS} } }`;
const types = (c: { timeline: { type: string }[] }): string[] => c.timeline.map((e) => e.type);

describe('nothing is lost when parts of the system fail', () => {
  it('survives the worker being killed and restarted mid-lifecycle', async () => {
    const stack = await Stack.start('worker_kill', { worker: 'process' });
    try {
      const g = await provisionGroup(stack, 'Kill Group', 'pm-branch', 'KL01');
      const { id } = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'kill-1') }, g.tokens.dispatcher)).submitComplaint;
      await stack.ok(act('dispatchComplaint', `id: "${id}", assigneeId: "${g.handler}"`), {}, g.tokens.dispatcher);

      stack.killWorkerProcess();
      // The assignee acknowledges while no worker runs: the request waits for the workflow...
      const pending = stack.gql(act('acknowledgeComplaint', `id: "${id}"`), {}, g.tokens.handler);
      await new Promise((r) => setTimeout(r, 1500));
      // ...and a new worker picks the complaint up where it was.
      await stack.startWorkerProcess();
      const acked = await pending;
      expect(acked.errors).toBeUndefined();
      expect(acked.data!.acknowledgeComplaint.status).toBe('IN_PROGRESS');

      stack.killWorkerProcess();
      await stack.startWorkerProcess();
      await stack.ok(act('resolveComplaint', `id: "${id}", resolution: "Fixed after the restart"`), {}, g.tokens.handler);
      await stack.ok(act('recordCallback', `id: "${id}", method: PHONE, satisfied: true`), {}, g.tokens.dispatcher);
      const closed = await eventually(async () => {
        const c = (await stack.ok(`query { complaint(id: "${id}") { ${COMPLAINT_FIELDS} } }`, {}, g.tokens.dispatcher)).complaint;
        return c.status === 'CLOSED' ? c : undefined;
      });
      expect(types(closed)).toEqual(expect.arrayContaining(['RECEIVED', 'DISPATCHED', 'ACKNOWLEDGED', 'RESOLVED', 'CALLBACK', 'CLOSED']));
      expect(types(closed).filter((t) => t === 'ACKNOWLEDGED')).toHaveLength(1);
      expect(closed.timeline.map((e: { seq: number }) => e.seq)).toEqual(closed.timeline.map((_: unknown, i: number) => i + 1));
    } finally {
      await stack.stop();
    }
  });

  it('leaves exactly one complaint when the client gives up mid-intake and retries with its key', async () => {
    const stack = await Stack.start('intake_crash', { worker: 'none', actionTimeoutMs: 2000 });
    try {
      const g = await provisionGroup(stack, 'Crash Group', 'pm-branch', 'CR01');
      // No worker: the workflow is started but cannot write its row before the gateway gives up.
      const first = await stack.gql(SUBMIT, { input: complaintInput(g.branchId, 'crash-1') }, g.tokens.dispatcher);
      expect(first.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      expect((await stack.db.query(`SELECT count(*)::int AS n FROM complaints`))[0].n).toBe(0);
      // The worker comes back: the started workflow registers the complaint on its own…
      await stack.startWorker();
      const row = await eventually(async () => {
        const r = await stack.db.query(`SELECT id, reference FROM complaints WHERE idempotency_key = 'crash-1'`);
        return r.length ? r[0] : undefined;
      });
      // …and the client's retry with the same key gets that one complaint, not a second.
      const retry = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'crash-1') }, g.tokens.dispatcher)).submitComplaint;
      expect(retry.id).toBe(row.id);
      expect(retry.reference).toBe(row.reference);
      expect((await stack.db.query(`SELECT count(*)::int AS n FROM complaints`))[0].n).toBe(1);
      expect(retry.timeline.filter((e: { type: string }) => e.type === 'RECEIVED')).toHaveLength(1);
    } finally {
      await stack.stop();
    }
  });

  it('records a breached deadline when the customer does not hear back in time (short policy)', async () => {
    const stack = await Stack.start('breach');
    try {
      const g = await provisionGroup(stack, 'Breach Group', 'pm-branch', 'BR01');
      // The one answered in time runs under a policy version of its own (8 s), so a loaded machine still answers it in time.
      await stack.ok(`mutation { setPolicy(overrides: { deadlines: { CUSTOMER_REPLY: { after: "PT8S" } } }) { policyVersion } }`, {}, g.tokens.headOffice);
      const onTime = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'breach-2') }, g.tokens.dispatcher)).submitComplaint;
      await stack.ok(act('dispatchComplaint', `id: "${onTime.id}", assigneeId: "${g.handler}"`), {}, g.tokens.dispatcher);
      await stack.ok(act('recordFollowUp', `id: "${onTime.id}", note: "Told the customer", customerInformed: true`), {}, g.tokens.dispatcher);
      await stack.ok(`mutation { setPolicy(overrides: { deadlines: { CUSTOMER_REPLY: { after: "PT2S" } } }) { policyVersion } }`, {}, g.tokens.headOffice);
      const late = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'breach-1') }, g.tokens.dispatcher)).submitComplaint;

      const breached = await eventually(async () => {
        const c = (await stack.ok(`query { complaint(id: "${late.id}") { ${COMPLAINT_FIELDS} } }`, {}, g.tokens.headOffice)).complaint;
        return c.deadlines.find((d: { breachedAt: string | null }) => d.breachedAt) ? c : undefined;
      }, 15_000);
      const d = breached.deadlines.find((x: { kind: string }) => x.kind === 'CUSTOMER_REPLY');
      expect(d.metAt).toBeNull();
      expect(Date.parse(d.breachedAt)).toBeGreaterThanOrEqual(Date.parse(d.dueAt));
      const event = breached.timeline.find((e: { type: string }) => e.type === 'DEADLINE_BREACHED');
      expect(event.actor).toBe('system');
      expect(event.data).toMatchObject({ kind: 'CUSTOMER_REPLY', notify: 'BRANCH_MANAGER' });

      const overdue = (await stack.ok(`query { complaints(filter: { overdue: true }) { edges { node { id } } } }`, {}, g.tokens.headOffice)).complaints;
      expect(overdue.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([late.id]);

      // The one answered in time never breaches, even well past its due time.
      const before = (await stack.ok(`query { complaint(id: "${onTime.id}") { ${COMPLAINT_FIELDS} } }`, {}, g.tokens.headOffice)).complaint;
      const due = Date.parse(before.deadlines.find((x: { kind: string }) => x.kind === 'CUSTOMER_REPLY').dueAt);
      await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now()) + 2500));
      const fine = (await stack.ok(`query { complaint(id: "${onTime.id}") { ${COMPLAINT_FIELDS} } }`, {}, g.tokens.headOffice)).complaint;
      const reply = fine.deadlines.find((x: { kind: string }) => x.kind === 'CUSTOMER_REPLY');
      expect(reply.metAt).not.toBeNull();
      expect(Date.parse(reply.metAt)).toBeLessThan(Date.parse(reply.dueAt));
      expect(reply.breachedAt).toBeNull();
      expect(types(fine)).not.toContain('DEADLINE_BREACHED');
    } finally {
      await stack.stop();
    }
  });

  it('Temporal cut between the gateway and the server mid-action: UNAVAILABLE, read model and workflow agree, and the retry applies once', async () => {
    const [host, port] = temporalAddress().split(':');
    const proxy = await TcpProxy.start(host, Number(port));
    const stack = await Stack.start('temporal_down');
    const connection = await Connection.connect({ address: temporalAddress() });
    const temporal = new Client({ connection });
    try {
      const g = await provisionGroup(stack, 'Down Group', 'pm-branch', 'DN01');
      // A gateway that reaches Temporal only through the proxy (and gives up on an action after 5 s).
      const viaProxy = await stack.extraGateway({ temporalAddress: `127.0.0.1:${proxy.port}`, actionTimeoutMs: 5_000 });
      const call = (q: string, token: string) => stack.gql(q, {}, token, viaProxy);
      const submitted = await stack.gql(SUBMIT, { input: complaintInput(g.branchId, 'down-1') }, g.tokens.dispatcher, viaProxy);
      expect(submitted.errors).toBeUndefined();
      const { id, workflowId } = submitted.data!.submitComplaint;
      await stack.ok(act('dispatchComplaint', `id: "${id}", assigneeId: "${g.handler}"`), {}, g.tokens.dispatcher);
      const workflow = temporal.workflow.getHandle(workflowId);
      const followUp = (requestId: string, note: string) =>
        act('recordFollowUp', `id: "${id}", note: "${note}", customerInformed: false, requestId: "${requestId}"`);

      /**
       * The read model and the workflow tell the same story: same seq and status, a gapless timeline,
       * as many FOLLOW_UP events as the workflow counted. (While a write is in flight the workflow is
       * ahead of the row, so this is awaited with `eventually`; a half-applied action never agrees.)
       */
      const agreement = async (): Promise<{ seq: number; followUps: { seq: number; retryKey: unknown }[] } | undefined> => {
        const state = await workflow.query(stateQuery);
        const [row] = await stack.db.query(`SELECT status, last_seq FROM complaints WHERE id = $1`, [id]);
        const events: { seq: number; type: string; data: Record<string, unknown> }[] =
          await stack.db.query(`SELECT seq, type, data FROM complaint_events WHERE complaint_id = $1 ORDER BY seq`, [id]);
        const followUps = events.filter((e) => e.type === 'FOLLOW_UP').map((e) => ({ seq: e.seq, retryKey: e.data.retryKey }));
        const agrees = row.status === state.status && row.last_seq === state.seq && followUps.length === state.followUpsSinceDispatch
          && events.every((e, i) => e.seq === i + 1) && events.length === state.seq;
        return agrees ? { seq: state.seq, followUps } : undefined;
      };
      const expectAgreement = () => eventually(agreement, 60_000);
      const before = await expectAgreement();
      expect(before.followUps).toEqual([]);

      // 1. Temporal unreachable when the action arrives: UNAVAILABLE, and nothing happened anywhere.
      proxy.cut();
      const refused = await call(followUp('req-1', 'first try'), g.tokens.handler);
      expect(refused.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      expect((await expectAgreement()).seq).toBe(before.seq);
      // A submission and tenant provisioning (it creates the weekly review schedule) leave nothing behind either.
      const submitDown = await stack.gql(SUBMIT, { input: complaintInput(g.branchId, 'down-2') }, g.tokens.dispatcher, viaProxy);
      expect(submitDown.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      expect((await stack.db.query(`SELECT count(*)::int AS n FROM complaints WHERE idempotency_key = 'down-2'`))[0].n).toBe(0);
      const t = await stack.gql(`mutation { createTenant(name: "Late Group", policyPreset: "training", headOfficeName: "HO") { tenant { id } } }`, {}, stack.platformToken(), viaProxy);
      expect(t.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      expect((await stack.db.query(`SELECT count(*)::int AS n FROM tenants WHERE name = 'Late Group'`))[0].n).toBe(0);
      proxy.restore();
      // The client retries with the same requestId once Temporal is back: applied once.
      const first = await eventually(async () => {
        const r = await call(followUp('req-1', 'first try'), g.tokens.handler);
        return r.errors ? undefined : r.data!.recordFollowUp;
      }, 60_000);
      expect(first.status).toBe('DISPATCHED');
      const afterFirst = await expectAgreement();
      expect(afterFirst.followUps).toHaveLength(1);

      // 2. Cut while the action is under way: the Update has reached the server but its outcome has
      // not come back (the worker is held, so the cut falls between admission and outcome).
      await stack.stopWorker();
      const pending = call(followUp('req-2', 'second follow-up'), g.tokens.handler);
      const updateId = actionUpdateId(g.tenantId, id, 'req-2');
      await eventually(async () => {
        try {
          await temporal.withDeadline(Date.now() + 500, () => workflow.getUpdateHandle(updateId).result());
          return 'completed';
        } catch (err) {
          // Still waiting for the worker: the server holds the Update.
          return isDeadlineExceeded(err) ? 'admitted' : undefined;
        }
      });
      proxy.cut();
      const cutOff = await pending;
      expect(cutOff.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      await stack.startWorker();
      proxy.restore();
      // Whatever became of the first attempt, the workflow and the read model agree at every point…
      await expectAgreement();
      // …and the same requestId, retried, applies the follow-up exactly once.
      const second = await eventually(async () => {
        const r = await call(followUp('req-2', 'second follow-up'), g.tokens.handler);
        return r.errors ? undefined : r.data!.recordFollowUp;
      }, 60_000);
      expect(second.status).toBe('DISPATCHED');
      const applied = await expectAgreement();
      expect(applied.followUps).toHaveLength(2);
      expect(new Set(applied.followUps.map((f) => f.retryKey)).size).toBe(2);
      // Once more with the same requestId: the first outcome, and not one event more.
      const again = await call(followUp('req-2', 'second follow-up'), g.tokens.handler);
      expect(again.errors).toBeUndefined();
      expect(await expectAgreement()).toEqual(applied);
    } finally {
      await stack.stop();
      await connection.close();
      await proxy.close();
    }
  });

  it('PostgreSQL cut for the gateway AND the worker: UNAVAILABLE meanwhile, nothing half-written, and the action completes once it is back', async () => {
    const pg = new URL(process.env.TEST_DATABASE_URL as string);
    const gatewayDb = await TcpProxy.start(pg.hostname, Number(pg.port || 5432));
    const workerDb = await TcpProxy.start(pg.hostname, Number(pg.port || 5432));
    const through = (proxy: TcpProxy) => (url: string): string => {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(proxy.port);
      return u.toString();
    };
    const stack = await Stack.start('pg_down', { gatewayDatabaseUrl: through(gatewayDb), workerDatabaseUrl: through(workerDb), actionTimeoutMs: 4_000 });
    try {
      const g = await provisionGroup(stack, 'PG Down Group', 'pm-branch', 'PG01');
      const { id } = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'pg-1') }, g.tokens.dispatcher)).submitComplaint;
      await stack.ok(act('dispatchComplaint', `id: "${id}", assigneeId: "${g.handler}"`), {}, g.tokens.dispatcher);
      // The messages of intake and dispatch reported to the workflow first: their outcomes would otherwise land on the timeline at any moment.
      // (A message held by the quiet hours, when the suite runs at night in Asia/Shanghai, has no outcome until morning.)
      await eventually(async () => ((await stack.db.query(
        `SELECT count(*)::int AS n FROM outbound_messages WHERE complaint_id = $1 AND reported_at IS NULL
            AND NOT (status = 'QUEUED' AND next_attempt_at > now() + interval '1 minute')`, [id]))[0].n === 0 ? true : undefined));
      await eventually(async () => {
        const [{ reported, recorded }] = await stack.db.query(
          `SELECT (SELECT count(*)::int FROM outbound_messages WHERE complaint_id = $1 AND reported_at IS NOT NULL) AS reported,
                  (SELECT count(*)::int FROM complaint_events WHERE complaint_id = $1 AND type LIKE 'CUSTOMER_MESSAGE_%') AS recorded`, [id]);
        return reported === recorded ? true : undefined;
      });
      const snapshot = async () => ({
        row: (await stack.db.query(`SELECT status, last_seq FROM complaints WHERE id = $1`, [id]))[0],
        events: (await stack.db.query(`SELECT seq, type FROM complaint_events WHERE complaint_id = $1 ORDER BY seq`, [id])) as { seq: number; type: string }[],
      });
      const before = await snapshot();
      expect(before.row.status).toBe('DISPATCHED');
      const acknowledge = act('acknowledgeComplaint', `id: "${id}", requestId: "ack-1"`);

      // The worker loses its database: the action reaches the workflow, whose write retries for ever.
      workerDb.cut();
      const waiting = await stack.gql(acknowledge, {}, g.tokens.handler);
      expect(waiting.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      // The gateway loses it too: reads and a submission answer UNAVAILABLE, without internals.
      gatewayDb.cut();
      const down = await stack.gql(`query { complaint(id: "${id}") { id } }`, {}, g.tokens.dispatcher);
      expect(down.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      const submitDown = await stack.gql(SUBMIT, { input: complaintInput(g.branchId, 'pg-2') }, g.tokens.dispatcher);
      expect(submitDown.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      expect(JSON.stringify(submitDown.errors)).not.toMatch(/ECONN|postgres|SELECT/i);
      const retryWhileDown = await stack.gql(acknowledge, {}, g.tokens.handler);
      expect(retryWhileDown.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      // Nothing half-written while it is down: the row and the timeline are as they were.
      expect(await snapshot()).toEqual(before);

      gatewayDb.restore();
      workerDb.restore();
      // The workflow's write goes through once the database is back: the acknowledgement lands, once.
      const landed = await eventually(async () => {
        const s = await snapshot();
        return s.row.status === 'IN_PROGRESS' ? s : undefined;
      }, 90_000);
      expect(landed.events.filter((e) => e.type === 'ACKNOWLEDGED')).toHaveLength(1);
      expect(landed.row.last_seq).toBe(landed.events.length);
      // The client's retry with the same requestId gets the outcome, and applies nothing more.
      const retried = await eventually(async () => {
        const r = await stack.gql(acknowledge, {}, g.tokens.handler);
        return r.errors ? undefined : r.data!.acknowledgeComplaint;
      }, 60_000);
      expect(retried.status).toBe('IN_PROGRESS');
      expect(await snapshot()).toEqual(landed);
      // Nothing half-written: the refused submission left no row behind.
      expect((await stack.db.query(`SELECT count(*)::int AS n FROM complaints WHERE idempotency_key = 'pg-2'`))[0].n).toBe(0);
    } finally {
      await stack.stop();
      await gatewayDb.close();
      await workerDb.close();
    }
  });
});
