import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack } from './support/stack';

describe('complaint intake', () => {
  let stack: Stack;
  let g: Group;

  beforeAll(async () => {
    stack = await Stack.start('intake');
    g = await provisionGroup(stack, 'Intake Group', 'pm-branch', 'SZ07');
  });
  afterAll(() => stack?.stop());

  const count = async (key: string): Promise<number> =>
    Number((await stack.db.query(`SELECT count(*)::int AS n FROM complaints WHERE idempotency_key = $1`, [key]))[0].n);

  it('returns the same complaint for the same idempotency key, never two', async () => {
    const first = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'dup-seq') }, g.tokens.dispatcher)).submitComplaint;
    const again = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'dup-seq', { description: 'sent twice by a flaky network' }) }, g.tokens.dispatcher)).submitComplaint;
    expect(again.id).toBe(first.id);
    expect(again.reference).toBe(first.reference);
    expect(again.description).toBe(first.description);
    expect(await count('dup-seq')).toBe(1);
  });

  it('creates one complaint when the same key arrives concurrently', async () => {
    const results = await Promise.all(
      Array.from({ length: 6 }, () => stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'dup-concurrent') }, g.tokens.dispatcher)),
    );
    const ids = new Set(results.map((r) => r.submitComplaint.id));
    expect(ids.size).toBe(1);
    expect(await count('dup-concurrent')).toBe(1);
    const events = await stack.db.query(`SELECT type FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id WHERE c.idempotency_key = 'dup-concurrent' AND type = 'RECEIVED'`);
    expect(events).toHaveLength(1);
  });

  it('answers a repeated submission only once the complaint is taken in: an action sent right after it is accepted', async () => {
    const DISPATCH = `mutation($id: ID!, $a: ID!, $r: String) { dispatchComplaint(id: $id, assigneeId: $a, requestId: $r) { status } }`;
    // Repeats staggered over the moment the first one's registration commits; each sends the same
    // dispatch (one requestId: it applies once) straight after its answer, and none may be refused
    // as "still being registered".
    const outcomes = await Promise.all(Array.from({ length: 8 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * 15));
      const c = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'dup-then-act') }, g.tokens.dispatcher)).submitComplaint;
      const dispatched = (await stack.ok(DISPATCH, { id: c.id, a: g.handler, r: 'dispatch-once' }, g.tokens.dispatcher)).dispatchComplaint.status as string;
      return { id: c.id as string, dispatched };
    }));
    expect(new Set(outcomes.map((o) => o.id)).size).toBe(1);
    expect(outcomes.map((o) => o.dispatched)).toEqual(Array(8).fill('DISPATCHED'));
    const dispatches = await stack.db.query(`SELECT count(*)::int AS n FROM complaint_events WHERE complaint_id = $1 AND type = 'DISPATCHED'`, [outcomes[0].id]);
    expect(dispatches[0].n).toBe(1);
    // After the whole exchange, a late repeat still answers (the workflow is running, past registration).
    const late = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'dup-then-act') }, g.tokens.dispatcher)).submitComplaint;
    expect(late.id).toBe(outcomes[0].id);
    expect(await count('dup-then-act')).toBe(1);
  });

  it('hands out references without gaps or duplicates under concurrent intake', async () => {
    const branch = (await stack.ok(`mutation($c: ID!) { createBranch(companyId: $c, code: "REF01", name: "Reference Estate") { id } }`, { c: g.companyId }, g.tokens.headOffice)).createBranch.id;
    const n = 20;
    const refs = await Promise.all(
      Array.from({ length: n }, (_, i) => stack.ok(SUBMIT, { input: complaintInput(branch, `ref-${i}`) }, g.tokens.headOffice).then((r) => r.submitComplaint.reference as string)),
    );
    const numbers = refs.map((r) => Number(r.split('-').pop())).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    for (const r of refs) expect(r).toMatch(/^REF01-\d{4}-\d{6}$/);
  });

  it('names every invalid field, and writes nothing', async () => {
    const future = new Date(Date.now() + 3600_000).toISOString();
    const r = await stack.gql(
      SUBMIT,
      {
        input: complaintInput(g.branchId, 'bad-1', {
          description: '',
          householdsAffected: 0,
          receivedAt: future,
          complainant: { name: 'Mr Li', phone: 'call me maybe' },
        }),
      },
      g.tokens.dispatcher,
    );
    expect(r.data).toBeNull();
    expect(r.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const fields = r.errors![0].extensions.fields!.map((f) => f.field).sort();
    expect(fields).toEqual(['input.complainant.phone', 'input.description', 'input.householdsAffected', 'input.receivedAt']);
    expect(r.errors![0].extensions.fields!.find((f) => f.field === 'input.receivedAt')!.message).toMatch(/future/);
    expect(await count('bad-1')).toBe(0);
  });

  it('rejects an unknown enum value or a missing field as BAD_USER_INPUT, never an internal error', async () => {
    const r = await stack.gql(SUBMIT, { input: { ...complaintInput(g.branchId, 'bad-2'), channel: 'CARRIER_PIGEON' } }, g.tokens.dispatcher);
    expect(r.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const missing = await stack.gql(`mutation { submitComplaint(input: { idempotencyKey: "x" }) { id } }`, {}, g.tokens.dispatcher);
    expect(missing.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    const garbage = await stack.gql(`query { complaints(first: 5, after: "not-a-cursor") { totalCount } }`, {}, g.tokens.dispatcher);
    expect(garbage.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(garbage.errors?.[0].extensions.fields?.[0].field).toBe('after');
    const tooMany = await stack.gql(`query { complaints(first: 5000) { totalCount } }`, {}, g.tokens.dispatcher);
    expect(tooMany.errors?.[0].extensions.fields?.[0].field).toBe('first');
    for (const e of [...r.errors!, ...missing.errors!, ...garbage.errors!]) expect(JSON.stringify(e)).not.toMatch(/stack|at \/|node_modules/);
  });

  it('classifies a collective complaint by the tenant policy (pm-branch: 5 households → MAJOR)', async () => {
    const major = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'collective-5', { householdsAffected: 5 }) }, g.tokens.dispatcher)).submitComplaint;
    expect(major.severity).toBe('MAJOR');
    const general = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'collective-4', { householdsAffected: 4 }) }, g.tokens.dispatcher)).submitComplaint;
    expect(general.severity).toBe('GENERAL');
  });

  it('accepts a back-dated receivedAt and keeps it', async () => {
    const at = new Date(Date.now() - 2 * 3600_000).toISOString();
    const c = (await stack.ok(`mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { receivedAt } }`, { input: complaintInput(g.branchId, 'backdated', { receivedAt: at }) }, g.tokens.dispatcher)).submitComplaint;
    expect(Date.parse(c.receivedAt)).toBe(Date.parse(at));
  });

  it('speaks GraphQL over HTTP: null variables/extensions are accepted, no token is UNAUTHENTICATED, health is public', async () => {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${g.tokens.dispatcher}` },
      body: JSON.stringify({ query: '{ me { id name roles { role branchId } } }', variables: null, operationName: null, extensions: null }),
    });
    const body = (await res.json()) as { data: { me: { id: string; roles: unknown[] } } };
    expect(res.status).toBe(200);
    expect(body.data.me.id).toBe(g.dispatcher);
    expect(body.data.me.roles).toEqual([{ role: 'DISPATCHER', branchId: g.branchId }]);
    const anon = await stack.gql('{ me { id } }');
    expect(anon.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const forged = await stack.gql('{ me { id } }', {}, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad');
    expect(forged.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await stack.gql('{ health }')).data).toEqual({ health: 'ok' });
  });
});
