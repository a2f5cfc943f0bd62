/**
 * Severity that follows the facts (issue 10) over GraphQL, on the real gateway, worker, Temporal and
 * PostgreSQL: a facility outage upgrading after the training preset's window (shortened by setPolicy)
 * and not when restored; updateComplaintFacts, reclassify and recordFacilityRestored applied once per
 * requestId, named on the timeline, and NOT_FOUND for another branch's manager.
 */
import { COMPLAINT_FIELDS, Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack } from './support/stack';
import { eventually } from './support/test-env';

const SET_POLICY = `mutation($o: JSON!) { setPolicy(overrides: $o) { policyVersion } }`;
const GET = `query($id: ID!) { complaint(id: $id) { ${COMPLAINT_FIELDS} } }`;
const FACTS = `mutation($id: ID!, $h: Int, $loss: Float, $media: Boolean, $reason: String!, $r: String) {
  updateComplaintFacts(id: $id, householdsAffected: $h, lossAmountYuan: $loss, mediaExposure: $media, reason: $reason, requestId: $r) { ${COMPLAINT_FIELDS} } }`;
const RECLASSIFY = `mutation($id: ID!, $c: Category, $s: Severity, $reason: String!, $r: String) {
  reclassify(id: $id, category: $c, severity: $s, reason: $reason, requestId: $r) { ${COMPLAINT_FIELDS} category } }`;
const RESTORED = `mutation($id: ID!, $at: DateTime!, $r: String) { recordFacilityRestored(id: $id, restoredAt: $at, requestId: $r) { ${COMPLAINT_FIELDS} } }`;

interface Event { seq: number; type: string; actor: string | null; data: Record<string, unknown> }

describe('severity that follows the facts, over GraphQL', () => {
  let stack: Stack;
  let g: Group;

  beforeAll(async () => {
    stack = await Stack.start('severity');
    g = await provisionGroup(stack, 'Training Group', 'training');
    // training: an outage not restored within 48 h is MAJOR; 3 s here.
    await stack.ok(SET_POLICY, { o: { severity: { facilityOutageMajorAfter: 'PT3S' } } }, g.tokens.headOffice);
  });
  afterAll(() => stack?.stop());

  const submit = async (key: string, extra: Record<string, unknown> = {}): Promise<{ id: string; severity: string }> =>
    (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, key, extra) }, g.tokens.dispatcher)).submitComplaint;
  const get = async (id: string): Promise<{ severity: string; timeline: Event[]; householdsAffected: number }> =>
    (await stack.ok(GET, { id }, g.tokens.branchManager)).complaint;
  const code = (r: { errors?: { extensions?: { code?: string } }[] }): string | undefined => r.errors?.[0]?.extensions?.code;

  it('validates the window like the other severity durations', async () => {
    const r = await stack.gql(SET_POLICY, { o: { severity: { facilityOutageMajorAfter: 'P1M' } } }, g.tokens.headOffice);
    expect(code(r)).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(r.errors)).toContain('overrides.severity.facilityOutageMajorAfter');
  });

  it('upgrades a complaint whose facility outage is not restored within the window', async () => {
    const c = await submit('outage-1', { facilityOutage: { kind: 'ELEVATOR', since: new Date().toISOString() } });
    expect(c.severity).toBe('GENERAL');
    const after = await eventually(async () => {
      const x = await get(c.id);
      return x.severity === 'MAJOR' ? x : undefined;
    }, 20_000);
    const changed = after.timeline.filter((e) => e.type === 'SEVERITY_CHANGED');
    expect(changed).toEqual([expect.objectContaining({ actor: 'system', data: expect.objectContaining({ from: 'GENERAL', to: 'MAJOR', rule: 'facilityOutage' }) })]);
  });

  it('does not upgrade once restored; the same requestId twice applies once; another branch\'s manager gets NOT_FOUND', async () => {
    const c = await submit('outage-2', { facilityOutage: { kind: 'WATER', since: new Date().toISOString() } });
    const vars = { id: c.id, at: new Date().toISOString(), r: 'restore-1' };
    const [a, b] = await Promise.all([stack.gql(RESTORED, vars, g.tokens.dispatcher), stack.gql(RESTORED, vars, g.tokens.dispatcher)]);
    expect([a.errors, b.errors]).toEqual([undefined, undefined]);
    expect(code(await stack.gql(RESTORED, { ...vars, r: 'restore-other' }, g.tokens.otherBranchManager))).toBe('NOT_FOUND');
    await new Promise((r) => setTimeout(r, 5_000));
    const x = await get(c.id);
    expect(x.severity).toBe('GENERAL');
    expect(x.timeline.filter((e) => e.type === 'FACILITY_RESTORED')).toEqual([expect.objectContaining({ actor: g.dispatcher, data: expect.objectContaining({ kind: 'WATER' }) })]);
    // Without an outage there is nothing to restore.
    const plain = await submit('no-outage');
    expect(code(await stack.gql(RESTORED, { id: plain.id, at: new Date().toISOString() }, g.tokens.dispatcher))).toBe('INVALID_TRANSITION');
  });

  it('refuses an outage that began after the complaint was received', async () => {
    const receivedAt = new Date(Date.now() - 3600_000);
    const r = await stack.gql(SUBMIT, {
      input: complaintInput(g.branchId, 'outage-late', { receivedAt: receivedAt.toISOString(), facilityOutage: { kind: 'POWER', since: new Date(Date.now() - 60_000).toISOString() } }),
    }, g.tokens.dispatcher);
    expect(code(r)).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(r.errors)).toContain('input.facilityOutage.since');
  });

  it('updateComplaintFacts: the level follows the facts upward, once per requestId, NOT_FOUND outside the branch', async () => {
    const c = await submit('facts-1');
    const vars = { id: c.id, h: 3, reason: 'two neighbours have the same leak', r: 'facts-req-1' };
    const first = (await stack.ok(FACTS, vars, g.tokens.dispatcher)).updateComplaintFacts;
    expect(first).toMatchObject({ severity: 'MAJOR', householdsAffected: 3 });
    const again = (await stack.ok(FACTS, vars, g.tokens.dispatcher)).updateComplaintFacts;
    expect(again.timeline.filter((e: Event) => e.type === 'FACTS_UPDATED')).toHaveLength(1);
    expect(again.timeline.filter((e: Event) => e.type === 'SEVERITY_CHANGED')).toEqual([
      expect.objectContaining({ actor: 'system', data: expect.objectContaining({ from: 'GENERAL', to: 'MAJOR', rule: 'COLLECTIVE_HOUSEHOLDS>=3', reason: vars.reason }) }),
    ]);
    expect(code(await stack.gql(FACTS, { ...vars, r: 'facts-other' }, g.tokens.otherBranchManager))).toBe('NOT_FOUND');
    expect(code(await stack.gql(FACTS, { id: c.id, reason: 'nothing' }, g.tokens.dispatcher))).toBe('BAD_USER_INPUT');
    // A fact going away never lowers the level by a rule.
    const lower = (await stack.ok(FACTS, { id: c.id, h: 1, reason: 'counted twice' }, g.tokens.dispatcher)).updateComplaintFacts;
    expect(lower.severity).toBe('MAJOR');
  });

  it('reclassify: any level with a reason, naming the person, once per requestId, NOT_FOUND outside the branch', async () => {
    const c = await submit('reclassify-1', { householdsAffected: 4 });
    expect(c.severity).toBe('MAJOR');
    const vars = { id: c.id, s: 'IMPORTANT', c: 'CONSTRUCTION_QUALITY', reason: 'one stairwell, developer defect', r: 'reclassify-req-1' };
    const [a, b] = await Promise.all([stack.ok(RECLASSIFY, vars, g.tokens.branchManager), stack.ok(RECLASSIFY, vars, g.tokens.branchManager)]);
    for (const x of [a.reclassify, b.reclassify]) expect(x).toMatchObject({ severity: 'IMPORTANT', category: 'CONSTRUCTION_QUALITY' });
    const x = await get(c.id);
    expect(x.timeline.filter((e) => e.type === 'SEVERITY_CHANGED')).toEqual([
      expect.objectContaining({ actor: g.branchManager, data: expect.objectContaining({ from: 'MAJOR', to: 'IMPORTANT', reason: vars.reason, by: 'STAFF' }) }),
    ]);
    expect(x.timeline.filter((e) => e.type === 'CATEGORY_CHANGED')).toHaveLength(1);
    expect(code(await stack.gql(RECLASSIFY, { ...vars, r: 'reclassify-other' }, g.tokens.otherBranchManager))).toBe('NOT_FOUND');
    expect(code(await stack.gql(RECLASSIFY, { id: c.id, reason: 'no change given' }, g.tokens.branchManager))).toBe('BAD_USER_INPUT');
  });
});
