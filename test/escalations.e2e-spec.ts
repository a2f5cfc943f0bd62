/**
 * Escalations over the API (issue 10): an emergency reaches the branch manager at once; only a user it
 * is addressed to may acknowledge it (twice with one requestId: once), staff who see the complaint but
 * are not addressed get FORBIDDEN, someone who does not see it NOT_FOUND; `myEscalations` and
 * `Complaint.escalations` show who was notified and when. An escalation not acknowledged in time is
 * superseded by the next level (here the deputy GM, a company manager with that position), and a running
 * escalation keeps the policy it started with.
 */
import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack, eventually } from './support/stack';

const ESCALATION_FIELDS = 'id level reason raisedAt ackDueAt acknowledgedAt superseded notifiedUsers { id } acknowledgedBy { id }';
const MINE = `query($open: Boolean) { myEscalations(open: $open) { ${ESCALATION_FIELDS} } }`;
const OF_COMPLAINT = `query($id: ID!) { complaint(id: $id) { id escalations { ${ESCALATION_FIELDS} } } }`;
const ACK = `mutation($id: ID!, $r: String) { acknowledgeEscalation(id: $id, requestId: $r) { id escalations { id acknowledgedAt acknowledgedBy { id } } } }`;
const SET_POLICY = `mutation($o: JSON!) { setPolicy(overrides: $o) { policyVersion } }`;
const CREATE_USER = `mutation($n: String!, $r: [RoleAssignmentInput!]!) { createUser(name: $n, roles: $r) { id roles { role companyId position } } }`;

const emergencyPolicy = (first: string) => ({
  escalation: {
    triggers: {
      EMERGENCY: {
        levels: [
          { level: 'BRANCH_MANAGER', ackWithin: first },
          { level: 'COMPANY_DEPUTY_GM', ackWithin: 'PT1H' },
          { level: 'COMPANY_GM', ackWithin: 'PT1H' },
          { level: 'HEAD_OFFICE', ackWithin: 'PT1H' },
        ],
        repeatLastEvery: 'PT1H',
      },
    },
  },
});

describe('escalations that must be acknowledged', () => {
  let stack: Stack;
  let g: Group;
  let deputy: { id: string; token: string };
  let seq = 0;

  beforeAll(async () => {
    stack = await Stack.start('escalations');
    g = await provisionGroup(stack, 'Escalation Group', 'pm-branch', 'ES01');
    const created = (await stack.ok(CREATE_USER, { n: 'Deputy GM Sun', r: [{ role: 'COMPANY_MANAGER', companyId: g.companyId, position: 'DEPUTY_GM' }] }, g.tokens.headOffice)).createUser;
    expect(created.roles).toEqual([{ role: 'COMPANY_MANAGER', companyId: g.companyId, position: 'DEPUTY_GM' }]);
    deputy = { id: created.id, token: stack.token(created.id, g.tenantId) };
  });
  afterAll(() => stack?.stop());

  const submitEmergency = async (): Promise<string> => {
    seq += 1;
    return (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, `esc-${seq}`, { emergency: true }) }, g.tokens.dispatcher)).submitComplaint.id;
  };

  it('a position belongs to a company manager only', async () => {
    const r = await stack.gql(CREATE_USER, { n: 'Wrong', r: [{ role: 'BRANCH_MANAGER', branchId: g.branchId, position: 'GM' }] }, g.tokens.headOffice);
    expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [expect.objectContaining({ field: 'roles.0.position' })] });
  });

  it('an addressed user acknowledges (twice: once); others are refused; myEscalations and Complaint.escalations show it', async () => {
    await stack.ok(SET_POLICY, { o: emergencyPolicy('PT1H') }, g.tokens.headOffice);
    const complaintId = await submitEmergency();

    const [mine] = await eventually(async () => {
      const list = (await stack.ok(MINE, { open: true }, g.tokens.branchManager)).myEscalations as { id: string; raisedAt: string; ackDueAt: string }[];
      return list.length > 0 ? list : undefined;
    });
    expect(mine).toMatchObject({ level: 'BRANCH_MANAGER', reason: 'EMERGENCY', superseded: false, acknowledgedAt: null, notifiedUsers: [{ id: g.branchManager }] });
    expect(Date.parse(mine.ackDueAt) - Date.parse(mine.raisedAt)).toBe(3600_000);
    const shown = (await stack.ok(OF_COMPLAINT, { id: complaintId }, g.tokens.headOffice)).complaint.escalations;
    expect(shown).toEqual([mine]);
    // Nobody else is addressed: the other branch's manager, the dispatcher and the deputy GM have nothing.
    for (const token of [g.tokens.otherBranchManager, g.tokens.dispatcher, deputy.token]) {
      expect((await stack.ok(MINE, {}, token)).myEscalations).toEqual([]);
    }

    // Sees the complaint but is not addressed: FORBIDDEN. Does not see it: NOT_FOUND, like an unknown id.
    const byDispatcher = await stack.gql(ACK, { id: mine.id, r: 'd-1' }, g.tokens.dispatcher);
    expect(byDispatcher.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const byOther = await stack.gql(ACK, { id: mine.id, r: 'o-1' }, g.tokens.otherBranchManager);
    expect(byOther.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const unknown = await stack.gql(ACK, { id: '00000000-0000-4000-8000-000000000000', r: 'u-1' }, g.tokens.branchManager);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await stack.ok(OF_COMPLAINT, { id: complaintId }, g.tokens.headOffice)).complaint.escalations[0].acknowledgedAt).toBeNull();

    // The branch manager acknowledges, and the retry (same requestId) answers the same.
    const first = (await stack.ok(ACK, { id: mine.id, r: 'bm-1' }, g.tokens.branchManager)).acknowledgeEscalation;
    const again = (await stack.ok(ACK, { id: mine.id, r: 'bm-1' }, g.tokens.branchManager)).acknowledgeEscalation;
    expect(first.id).toBe(complaintId);
    expect(first.escalations).toEqual([{ id: mine.id, acknowledgedAt: expect.any(String), acknowledgedBy: { id: g.branchManager } }]);
    expect(again).toEqual(first);
    // A new request after it ended: still the first acknowledgement.
    expect((await stack.ok(ACK, { id: mine.id, r: 'bm-2' }, g.tokens.branchManager)).acknowledgeEscalation).toEqual(first);
    const rows: { n: number }[] = await stack.db.query(`SELECT count(*)::int AS n FROM escalations WHERE complaint_id = $1`, [complaintId]);
    expect(rows[0].n).toBe(1);

    expect((await stack.ok(MINE, { open: true }, g.tokens.branchManager)).myEscalations).toEqual([]);
    expect((await stack.ok(MINE, { open: false }, g.tokens.branchManager)).myEscalations.map((e: { id: string }) => e.id)).toEqual([mine.id]);
  }, 90_000);

  it('not acknowledged in time: superseded, raised to the deputy GM; the running escalation keeps its policy', async () => {
    await stack.ok(SET_POLICY, { o: emergencyPolicy('PT3S') }, g.tokens.headOffice);
    const complaintId = await submitEmergency();
    // A policy edit now changes later escalations only.
    await stack.ok(SET_POLICY, { o: emergencyPolicy('PT1H') }, g.tokens.headOffice);

    const list = await eventually(async () => {
      const l = (await stack.ok(OF_COMPLAINT, { id: complaintId }, g.tokens.headOffice)).complaint.escalations as Record<string, any>[];
      return l.length >= 2 ? l : undefined;
    }, 20_000);
    expect(list.map((e) => [e.level, e.superseded, e.notifiedUsers.map((u: { id: string }) => u.id)])).toEqual([
      ['BRANCH_MANAGER', true, [g.branchManager]],
      ['COMPANY_DEPUTY_GM', false, [deputy.id]],
    ]);
    expect(Date.parse(list[0].ackDueAt) - Date.parse(list[0].raisedAt)).toBe(3_000);

    // The branch manager is too late: the level was raised to the deputy GM.
    const late = await stack.gql(ACK, { id: list[0].id, r: 'late' }, g.tokens.branchManager);
    expect(late.errors?.[0]?.extensions?.code).toBe('INVALID_TRANSITION');
    const mine = (await stack.ok(MINE, {}, deputy.token)).myEscalations;
    expect(mine.map((e: { id: string }) => e.id)).toEqual([list[1].id]);
    const acked = (await stack.ok(ACK, { id: list[1].id, r: 'dep-1' }, deputy.token)).acknowledgeEscalation;
    expect(acked.escalations[1]).toMatchObject({ id: list[1].id, acknowledgedBy: { id: deputy.id } });
  }, 90_000);
});
