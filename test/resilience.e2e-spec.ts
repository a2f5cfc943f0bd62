import { URL } from 'url';
import { COMPLAINT_FIELDS, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack, eventually } from './support/stack';
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
      await stack.ok(`mutation { setPolicy(overrides: { deadlines: { CUSTOMER_REPLY: { after: "PT2S" } } }) { policyVersion } }`, {}, g.tokens.headOffice);
      const late = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'breach-1') }, g.tokens.dispatcher)).submitComplaint;
      const onTime = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'breach-2') }, g.tokens.dispatcher)).submitComplaint;
      await stack.ok(act('dispatchComplaint', `id: "${onTime.id}", assigneeId: "${g.handler}"`), {}, g.tokens.dispatcher);
      await stack.ok(act('recordFollowUp', `id: "${onTime.id}", note: "Told the customer", customerInformed: true`), {}, g.tokens.dispatcher);

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
      await new Promise((r) => setTimeout(r, 2500));
      const fine = (await stack.ok(`query { complaint(id: "${onTime.id}") { ${COMPLAINT_FIELDS} } }`, {}, g.tokens.headOffice)).complaint;
      const reply = fine.deadlines.find((x: { kind: string }) => x.kind === 'CUSTOMER_REPLY');
      expect(reply.metAt).not.toBeNull();
      expect(reply.breachedAt).toBeNull();
      expect(types(fine)).not.toContain('DEADLINE_BREACHED');
    } finally {
      await stack.stop();
    }
  });

  it('answers UNAVAILABLE while Temporal is unreachable, and leaves no half-written complaint', async () => {
    const stack = await Stack.start('temporal_down', { worker: 'none' });
    try {
      const g = await provisionGroup(stack, 'Down Group', 'pm-branch', 'DN01');
      const cutOff = await stack.extraGateway({ temporalAddress: '127.0.0.1:1' });
      const r = await stack.gql(SUBMIT, { input: complaintInput(g.branchId, 'down-1') }, g.tokens.dispatcher, cutOff);
      expect(r.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      expect(r.errors?.[0].message).toMatch(/safe to retry/);
      const rows = await stack.db.query(`SELECT count(*)::int AS n FROM complaints`);
      expect(rows[0].n).toBe(0);
      // Provisioning needs Temporal too (the weekly review schedule), and leaves nothing behind when it is down.
      const t = await stack.gql(`mutation { createTenant(name: "Late Group", policyPreset: "training", headOfficeName: "HO") { tenant { id } } }`, {}, stack.platformToken(), cutOff);
      expect(t.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      expect((await stack.db.query(`SELECT count(*)::int AS n FROM tenants WHERE name = 'Late Group'`))[0].n).toBe(0);
    } finally {
      await stack.stop();
    }
  });

  it('answers UNAVAILABLE while PostgreSQL is unreachable, and recovers when it is back', async () => {
    const pg = new URL(process.env.TEST_DATABASE_URL as string);
    const proxy = await TcpProxy.start(pg.hostname, Number(pg.port || 5432));
    const stack = await Stack.start('pg_down', {
      gatewayDatabaseUrl: (url) => {
        const u = new URL(url);
        u.hostname = '127.0.0.1';
        u.port = String(proxy.port);
        return u.toString();
      },
    });
    try {
      const g = await provisionGroup(stack, 'PG Down Group', 'pm-branch', 'PG01');
      const { id } = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'pg-1') }, g.tokens.dispatcher)).submitComplaint;
      proxy.cut();
      const down = await stack.gql(`query { complaint(id: "${id}") { id } }`, {}, g.tokens.dispatcher);
      expect(down.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      const submitDown = await stack.gql(SUBMIT, { input: complaintInput(g.branchId, 'pg-2') }, g.tokens.dispatcher);
      expect(submitDown.errors?.[0].extensions.code).toBe('UNAVAILABLE');
      expect(JSON.stringify(submitDown.errors)).not.toMatch(/ECONN|postgres|SELECT/i);
      proxy.restore();
      const back = await eventually(async () => {
        const r = await stack.gql(`query { complaint(id: "${id}") { id status } }`, {}, g.tokens.dispatcher);
        return r.errors ? undefined : r.data;
      });
      expect(back!.complaint.status).toBe('RECEIVED');
      // Nothing half-written: the refused submission left no row behind.
      expect((await stack.db.query(`SELECT count(*)::int AS n FROM complaints WHERE idempotency_key = 'pg-2'`))[0].n).toBe(0);
    } finally {
      await stack.stop();
      await proxy.close();
    }
  });
});
