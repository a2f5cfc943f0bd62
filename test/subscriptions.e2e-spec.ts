import type { ChildProcess } from 'child_process';
import type { Client } from 'graphql-ws';
import { signToken } from '../apps/gateway/src/auth/jwt.util';
import { PRINCIPAL_REFRESH_MS } from '../apps/gateway/src/subscriptions/services/subscriptions.service';
import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { LiveSubscription, describeError, liveClient, subscribe } from './support/live-client';
import { gatewayProcess } from './support/gateway-process';
import { Stack } from './support/stack';

const UPDATED = `subscription($b: ID) { complaintUpdated(branchId: $b) { id reference status branch { id } assignee { id } timeline { type } } }`;
type Update = { complaintUpdated: { id: string; reference: string; status: string; branch: { id: string }; assignee: { id: string } | null; timeline: { type: string }[] } };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** The escalation rows of a complaint, once its workflow has raised one. */
async function eventuallyIds(read: () => Promise<string[]>, timeoutMs = 10_000): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ids = await read();
    if (ids.length) return ids;
    if (Date.now() > until) throw new Error('no escalation raised');
    await sleep(100);
  }
}

// Live updates across two gateway processes: every action below goes through gateway 1 (stack.url),
// every subscriber listens on gateway 2, so only PostgreSQL's LISTEN/NOTIFY can carry the change.
describe('live updates over graphql-ws, across gateways', () => {
  let stack: Stack;
  let gateway2: string;
  let gateway2Process: ChildProcess | undefined;
  let a: Group;
  let b: Group;
  const clients: Client[] = [];
  let n = 0;

  const client = (token?: string): Client => {
    const c = liveClient(gateway2, token);
    clients.push(c);
    return c;
  };
  /** A new complaint through gateway 1 (its registration is the change). */
  const submit = async (g: Group, branchId: string, token = g.tokens.headOffice): Promise<string> =>
    (await stack.ok(SUBMIT, { input: complaintInput(branchId, `live-${++n}`) }, token)).submitComplaint.id;
  const gotComplaint = (id: string) => (u: Update): boolean => u.complaintUpdated.id === id;
  /**
   * The subscription is registered asynchronously on the server: repeat a change the subscriber must
   * see until one arrives, so "received nothing" afterwards is about the rules, not about timing.
   */
  const untilLive = async (sub: LiveSubscription<Update>, change: () => Promise<string>): Promise<void> => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const id = await change();
      try {
        await sub.waitFor(gotComplaint(id), 1_500);
        return;
      } catch {
        // not registered yet
      }
    }
    throw new Error(`the subscription never went live: ${sub.errors.map(describeError).join('; ')}`);
  };

  beforeAll(async () => {
    stack = await Stack.start('subscriptions');
    // A second gateway as its own OS process: only PostgreSQL can carry a change from one to the other.
    const second = await gatewayProcess(stack);
    gateway2 = second.url;
    gateway2Process = second.child;
    a = await provisionGroup(stack, 'Pearl River Group', 'pm-branch', 'GZ01');
    b = await provisionGroup(stack, 'Yangtze Estates', 'pm-branch', 'SH01');
  });

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    gateway2Process?.kill('SIGTERM');
    await stack?.stop();
  });

  it('delivers a change made through gateway 1 to a subscriber on gateway 2, and nothing to another branch or another group', async () => {
    const mine = subscribe<Update>(client(a.tokens.branchManager), UPDATED, { b: a.branchId });
    const otherBranch = subscribe<Update>(client(a.tokens.otherBranchManager), UPDATED);
    const otherGroup = subscribe<Update>(client(b.tokens.headOffice), UPDATED);
    await untilLive(mine, () => submit(a, a.branchId));
    await untilLive(otherBranch, () => submit(a, a.otherBranchId));
    await untilLive(otherGroup, () => submit(b, b.branchId));

    // The action: a dispatch through gateway 1; the subscriber sees the new status, assignee and timeline.
    const id = await submit(a, a.branchId, a.tokens.dispatcher);
    await stack.ok(`mutation($id: ID!, $h: ID!) { dispatchComplaint(id: $id, assigneeId: $h) { id } }`, { id, h: a.handler }, a.tokens.dispatcher);
    const dispatched = await mine.waitFor((u) => u.complaintUpdated.id === id && u.complaintUpdated.status === 'DISPATCHED');
    expect(dispatched.complaintUpdated).toMatchObject({ branch: { id: a.branchId }, assignee: { id: a.handler } });
    expect(dispatched.complaintUpdated.timeline.map((e) => e.type)).toContain('DISPATCHED');

    // Later changes the other subscribers do see: once they have arrived, the dispatch's notice (sent
    // before them) has been handled for those subscribers too.
    await otherBranch.waitFor(gotComplaint(await submit(a, a.otherBranchId)));
    await otherGroup.waitFor(gotComplaint(await submit(b, b.branchId)));
    const branchOf = async (cid: string): Promise<string> =>
      (await stack.db.query(`SELECT branch_id FROM complaints WHERE id = $1`, [cid]))[0].branch_id;
    for (const u of otherBranch.received) expect(await branchOf(u.complaintUpdated.id)).toBe(a.otherBranchId);
    for (const u of otherGroup.received) expect(await branchOf(u.complaintUpdated.id)).toBe(b.branchId);
    expect(otherBranch.received.some(gotComplaint(id))).toBe(false);
    expect(otherGroup.received.some(gotComplaint(id))).toBe(false);
    // And the branch filter: the branch manager's subscription to GZ01 saw nothing of GZ01B.
    for (const u of mine.received) expect(u.complaintUpdated.branch.id).toBe(a.branchId);
    expect([...mine.errors, ...otherBranch.errors, ...otherGroup.errors]).toEqual([]);
  });

  it('stops delivering within seconds once the subscriber\'s role grant is deleted', async () => {
    const revoked = subscribe<Update>(client(a.tokens.dispatcher), UPDATED);
    const control = subscribe<Update>(client(a.tokens.headOffice), UPDATED);
    await untilLive(revoked, () => submit(a, a.branchId));
    await untilLive(control, () => submit(a, a.branchId));

    await stack.db.query('DELETE FROM role_assignments WHERE user_id = $1', [a.dispatcher]);
    await sleep(PRINCIPAL_REFRESH_MS + 500);
    const before = revoked.received.length;
    const ids = [await submit(a, a.branchId), await submit(a, a.branchId)];
    for (const id of ids) await control.waitFor(gotComplaint(id));
    await sleep(1_000);
    expect(revoked.received.slice(before).map((u) => u.complaintUpdated.id)).toEqual([]);
  });

  it('refuses a connection without a valid token, and a branch the subscriber does not reach', async () => {
    for (const token of [undefined, signToken({ sub: a.headOffice, tid: a.tenantId }, 'not-the-secret')]) {
      const refused = subscribe<Update>(client(token), UPDATED);
      await refused.ended();
      expect(refused.errors.length).toBeGreaterThan(0);
      expect(refused.received).toEqual([]);
    }
    // A document is checked as over HTTP before anything runs: unknown fields, and the gateway's limits.
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: id`).join(' ');
    for (const [query, code] of [
      ['subscription { complaintUpdated { id noSuchField } }', 'BAD_USER_INPUT'],
      [`subscription { complaintUpdated { ${aliases} } }`, 'QUERY_TOO_COMPLEX'],
    ]) {
      const invalid = subscribe<Update>(client(a.tokens.headOffice), query);
      await invalid.ended();
      expect(invalid.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code }) })]);
    }
    // Another group's branch (and a branch of one's own group out of reach) is not found.
    for (const [token, branchId] of [[b.tokens.headOffice, a.branchId], [a.tokens.otherBranchManager, a.branchId]]) {
      const outside = subscribe<Update>(client(token), UPDATED, { b: branchId });
      await outside.ended();
      expect(outside.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
    }
  });

  it('delivers escalationRaised only to the users it is addressed to', async () => {
    const RAISED = `subscription { escalationRaised { id level reason notifiedUsers { id } } }`;
    type Raised = { escalationRaised: { id: string; level: string; reason: string; notifiedUsers: { id: string }[] } };
    const policy = { escalation: { triggers: { EMERGENCY: {
      levels: ['BRANCH_MANAGER', 'COMPANY_DEPUTY_GM', 'COMPANY_GM', 'HEAD_OFFICE'].map((level) => ({ level, ackWithin: 'PT1H' })), repeatLastEvery: 'PT1H',
    } } } };
    await stack.ok(`mutation($o: JSON!) { setPolicy(overrides: $o) { policyVersion } }`, { o: policy }, a.tokens.headOffice);
    const emergency = async (branchId: string): Promise<string> =>
      (await stack.ok(SUBMIT, { input: complaintInput(branchId, `live-${++n}`, { emergency: true }) }, a.tokens.headOffice)).submitComplaint.id;
    const escalationsOf = async (complaintId: string): Promise<string[]> =>
      (await stack.db.query(`SELECT id FROM escalations WHERE complaint_id = $1`, [complaintId])).map((r: { id: string }) => r.id);
    const addressed = subscribe<Raised>(client(a.tokens.branchManager), RAISED);
    const otherBranch = subscribe<Raised>(client(a.tokens.otherBranchManager), RAISED);
    // The head office sees every complaint, but the first level is not addressed to it.
    const notAddressed = subscribe<Raised>(client(a.tokens.headOffice), RAISED);
    const untilRaised = async (sub: LiveSubscription<Raised>, branchId: string): Promise<Raised> => {
      for (let attempt = 0; attempt < 10; attempt++) {
        const complaintId = await emergency(branchId);
        try {
          const ids = await eventuallyIds(() => escalationsOf(complaintId));
          return await sub.waitFor((r) => ids.includes(r.escalationRaised.id), 3_000);
        } catch {
          // not registered yet
        }
      }
      throw new Error(`no escalation arrived: ${sub.errors.map(describeError).join('; ')}`);
    };
    const got = await untilRaised(addressed, a.branchId);
    expect(got.escalationRaised).toMatchObject({ level: 'BRANCH_MANAGER', reason: 'EMERGENCY', notifiedUsers: [{ id: a.branchManager }] });
    await untilRaised(otherBranch, a.otherBranchId);
    await sleep(1_000);
    const mine = new Set(addressed.received.map((r) => r.escalationRaised.id));
    expect(otherBranch.received.filter((r) => mine.has(r.escalationRaised.id))).toEqual([]);
    for (const r of otherBranch.received) expect(r.escalationRaised.notifiedUsers).toEqual([{ id: a.otherBranchManager }]);
    expect(notAddressed.received).toEqual([]);
    expect(notAddressed.errors).toEqual([]);
  });

  it('lets a subscriber that reconnects catch up with complaints(filter: { updatedSince })', async () => {
    const id = await submit(a, a.branchId);
    const since = new Date();
    await sleep(50);
    await stack.ok(`mutation($id: ID!, $h: ID!) { dispatchComplaint(id: $id, assigneeId: $h) { id } }`, { id, h: a.handler }, a.tokens.branchManager);
    const untouched = await submit(a, a.branchId);
    const q = `query($s: DateTime!) { complaints(first: 100, filter: { updatedSince: $s }) { edges { node { id status timeline { type } } } } }`;
    const changed = (await stack.ok(q, { s: since.toISOString() }, a.tokens.branchManager)).complaints.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(changed).toContain(id);
    expect(changed).toContain(untouched);
    const older = (await stack.ok(q, { s: new Date().toISOString() }, a.tokens.branchManager)).complaints.edges;
    expect(older).toEqual([]);
    // Another group's changes are not there either.
    const theirs = (await stack.ok(q, { s: since.toISOString() }, b.tokens.headOffice)).complaints.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(theirs).not.toContain(id);
  });
});
