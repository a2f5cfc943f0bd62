import { randomBytes } from 'crypto';
import { GraphQLField, GraphQLInputType, GraphQLSchema, getNamedType, getNullableType, isEnumType, isListType } from 'graphql';
import { GENERATE, Path } from './support/fuzz/schema-walk';
import { SweepAnswer, errorCodes, markersIn, outcomeOf, send, short } from './support/sweep/judge';
import { Operation, introspectSchema, namesRecord, operationDocument, rootOperations, selectionSet, synthesiseArgs } from './support/sweep/operations';
import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack } from './support/stack';

/**
 * A contractor's token sees nothing of the tenant beyond their own work orders: every query of the
 * schema (read by introspection, so a new one is tried without touching this file) called with the
 * ids of things that are not theirs answers with nothing, or a scope refusal; their own order shows
 * the complaint's job view and their own attempts only; staff actions are refused.
 */

const tag = randomBytes(3).toString('hex').toUpperCase();
// Queries that legitimately answer a contractor with something of their own.
const OWN_ANSWERS = new Set(['health', 'me', 'myWorkOrders']);
const SCOPE_REFUSALS = new Set(['NOT_FOUND', 'FORBIDDEN']);
const HOUR = 3600_000;

interface Seeded {
  id: string;
  reference: string;
  name: string;
  phone: string;
  unit: string;
  demand: string;
}

describe('a contractor sees only their own work orders', () => {
  let stack: Stack;
  let g: Group;
  let schema: GraphQLSchema;
  let me: string;
  let meToken: string;
  let rival: string;
  let rivalName: string;
  /** mine: my order's complaint; handed: the rival's order reassigned to me; theirs: the rival's order's; plain: no order, dispatched to a handler. */
  const complaints: Record<'mine' | 'handed' | 'theirs' | 'plain', Seeded> = {} as never;
  /** Mine (issued to me), mine after a reassignment from the rival, the rival's on my complaint, the rival's on theirs. */
  const orders = { mine: '', reassignedToMe: '', rivalOnMine: '', rivals: '' };

  beforeAll(async () => {
    stack = await Stack.start('contractor_view');
    g = await provisionGroup(stack, `Contractor View ${tag}`);
    const ho = g.tokens.headOffice;
    const contractor = async (name: string, rank: number): Promise<string> =>
      (await stack.ok(`mutation($n: String!, $b: ID!, $r: Int) { createContractor(name: $n, trades: [PLUMBING], branchId: $b, rank: $r) { user { id } } }`,
        { n: name, b: g.branchId, r: rank }, ho)).createContractor.user.id;
    me = await contractor(`Own Plumbing ${tag}`, 10);
    rivalName = `Rival Plumbing ${tag}`;
    rival = await contractor(rivalName, 20);
    meToken = stack.token(me, g.tenantId);

    const submit = async (label: string, i: number): Promise<Seeded> => {
      const input = complaintInput(g.branchId, `cv-${label}-${tag}`, {
        kind: 'REPAIR',
        description: `Leak ${label} ${tag}: water under the sink of unit ${i}`,
        demand: `Demand ${label} ${tag}`,
        complainant: { name: `Complainant ${label} ${tag}`, phone: `1390000${String(1000 + i)}`, unit: `${i}-${label}-${tag}` },
      });
      const c = (await stack.ok(SUBMIT, { input }, g.tokens.dispatcher)).submitComplaint;
      return { id: c.id, reference: c.reference, name: c.complainant.name, phone: c.complainant.phone, unit: c.complainant.unit, demand: input.demand as string };
    };
    complaints.mine = await submit('mine', 1);
    complaints.theirs = await submit('theirs', 2);
    complaints.plain = await submit('plain', 3);
    complaints.handed = await submit('handed', 4);
    await stack.ok(`mutation($id: ID!, $a: ID!) { dispatchComplaint(id: $id, assigneeId: $a) { id } }`, { id: complaints.plain.id, a: g.handler }, g.tokens.dispatcher);

    const issue = async (complaintId: string, contractorId: string): Promise<string> =>
      (await stack.ok(`mutation($c: ID!, $k: ID!) { issueWorkOrder(complaintId: $c, contractorId: $k, description: "Fix the leak") { id } }`,
        { c: complaintId, k: contractorId }, g.tokens.dispatcher)).issueWorkOrder.id;
    orders.mine = await issue(complaints.mine.id, me);
    orders.rivalOnMine = await issue(complaints.mine.id, rival);
    orders.rivals = await issue(complaints.theirs.id, rival);
    orders.reassignedToMe = await issue(complaints.handed.id, rival);
    await stack.ok(`mutation($id: ID!, $k: ID!) { reassignWorkOrder(id: $id, contractorId: $k, reason: "Rival is busy this week") { id } }`,
      { id: orders.reassignedToMe, k: me }, g.tokens.dispatcher);

    schema = await introspectSchema(await stack.extraGateway({ development: true, limits: { maxDepth: 50, maxTokens: 100_000 } }));
  });
  afterAll(() => stack?.stop());

  /** What a contractor must never see: other complaints, other orders, the rival, the staff's own notes. */
  const forbidden = (): string[] => [
    ...[complaints.theirs, complaints.plain].flatMap((c) => [c.id, c.reference, c.name, c.phone, c.unit, c.demand]),
    complaints.mine.demand,
    orders.rivalOnMine, orders.rivals, rival, rivalName, 'Rival is busy this week',
  ];

  /** An id of something not the contractor's, by the argument's name. */
  function notMine(operation: string, name: string): string {
    switch (name) {
      case 'id':
        return operation.toLowerCase().includes('workorder') ? orders.rivals : complaints.theirs.id;
      case 'complaintId':
      case 'recordId':
        return complaints.theirs.id;
      case 'otherId':
      case 'intoId':
        return complaints.plain.id;
      case 'branchId':
        return g.branchId;
      case 'otherBranchId':
        return g.otherBranchId;
      case 'companyId':
        return g.companyId;
      case 'contractorId':
        return rival;
      case 'userId':
      case 'assigneeId':
      case 'toUserId':
      case 'actorId':
        return g.handler;
      case 'tenantId':
        return g.tenantId;
      default:
        throw new Error(`no id for the argument "${name}" of ${operation}: map it in notMine (test/contractor-view.e2e-spec.ts)`);
    }
  }

  function callOf(op: Operation, ids: (operation: string, name: string) => string): { query: string; args: Record<string, unknown> } {
    const values = (operation: string, _path: Path, name: string, type: GraphQLInputType): unknown => {
      const named = getNamedType(type);
      const list = isListType(getNullableType(type));
      if (namesRecord(name, type) && !list) return ids(operation, name);
      if (list || (named.name !== 'String' && !isEnumType(named))) return GENERATE;
      if (name === 'period') return `${new Date().getUTCFullYear()}`;
      if (name === 'quarter') return `${new Date().getUTCFullYear()}-Q${Math.floor(new Date().getUTCMonth() / 3) + 1}`;
      if (name === 'date') return new Date().toISOString().slice(0, 10);
      if (name === 'month') return new Date().toISOString().slice(0, 7);
      if (name === 'requestId') return `cv-${operation}-${randomBytes(3).toString('hex')}`;
      return GENERATE;
    };
    const args = synthesiseArgs(op.field, values);
    const selection = selectionSet(schema, op.field.type, 3, (f: GraphQLField<unknown, unknown>) => synthesiseArgs(f, values));
    return { query: operationDocument(op, args, selection), args };
  }

  const judge = (op: string, a: SweepAnswer): string[] => {
    const out: string[] = [];
    if (!a.json) return [`${op}: not a GraphQL answer (HTTP ${a.status}): ${short(a.body)}`];
    const leaked = markersIn(a, forbidden());
    if (leaked.length) out.push(`${op}: shows what is not the contractor's (${leaked.join(', ')}): ${short(a.body, 400)}`);
    for (const code of errorCodes(a)) if (!SCOPE_REFUSALS.has(code)) out.push(`${op}: answered ${code}: ${short(a.body)}`);
    if (outcomeOf(a, op) === 'answered' && !OWN_ANSWERS.has(op)) out.push(`${op}: answered with data: ${short(a.body, 400)}`);
    return out;
  };

  it('tries every query with ids that are not theirs: nothing but refusals or empty answers', async () => {
    const queries = rootOperations(schema).filter((o) => o.kind === 'query');
    expect(queries.map((q) => q.name)).toEqual(expect.arrayContaining(['workOrder', 'workOrders', 'myWorkOrders', 'contractorScorecard', 'contractors', 'complaint', 'complaints', 'myQueue']));
    // Positive control: the same calls, by staff of the branch, do show what the contractor must not see.
    let seenByStaff: string[] = [];
    for (const op of queries) {
      const { query, args } = callOf(op, notMine);
      seenByStaff = [...seenByStaff, ...markersIn(await send(stack.url, g.tokens.dispatcher, query, args), forbidden())];
    }
    expect(seenByStaff).toEqual(expect.arrayContaining([complaints.theirs.id, complaints.theirs.name, orders.rivals, rival]));
    const findings: string[] = [];
    for (const op of queries) {
      const { query, args } = callOf(op, notMine);
      findings.push(...judge(op.name, await send(stack.url, meToken, query, args)));
      // An id argument aimed at the contractor's own complaint too: it is seen only through the work order.
      const ownComplaint = callOf(op, (operation, name) => (name === 'id' && !operation.toLowerCase().includes('workorder') ? complaints.mine.id : notMine(operation, name)));
      if (ownComplaint.query !== query || JSON.stringify(ownComplaint.args) !== JSON.stringify(args)) {
        const a = await send(stack.url, meToken, ownComplaint.query, ownComplaint.args);
        findings.push(...judge(`${op.name} (own complaint)`, a));
      }
    }
    if (findings.length) throw new Error(`${findings.length} findings:\n- ${findings.join('\n- ')}`);
  });

  it('shows their own order with the complaint\'s job view and their own attempts only', async () => {
    const q = `query($id: ID!) { workOrder(id: $id) {
      id status attempt contractor { id } attempts { attempt cause contractor { id name } } deadlines { kind attempt }
      timeline { type actor { id } payload }
      complaint { id reference description demand complainant { name phone unit } timeline { type } escalations { id } satisfied
        workOrders { id } }
    } }`;
    const mine = (await stack.ok(q, { id: orders.mine }, meToken)).workOrder;
    expect(mine.contractor.id).toBe(me);
    expect(mine.complaint.complainant).toEqual({ name: complaints.mine.name, phone: complaints.mine.phone, unit: complaints.mine.unit });
    expect(mine.complaint.demand).toBeNull();
    expect(mine.complaint.timeline).toEqual([]);
    expect(mine.complaint.escalations).toEqual([]);
    // The rival's order on the same complaint is not shown.
    expect(mine.complaint.workOrders).toEqual([{ id: orders.mine }]);

    const taken = await send(stack.url, meToken, q, { id: orders.reassignedToMe });
    expect(markersIn(taken, forbidden())).toEqual([]);
    const w = taken.json!.data!.workOrder as { attempt: number; attempts: { attempt: number; contractor: { id: string } }[]; deadlines: { attempt: number }[] };
    expect(w.attempt).toBe(2);
    expect(w.attempts.map((a) => [a.attempt, a.contractor.id])).toEqual([[2, me]]);
    expect(w.deadlines.every((d) => d.attempt === 2)).toBe(true);

    // Staff see both attempts.
    const staff = (await stack.ok(q, { id: orders.reassignedToMe }, g.tokens.dispatcher)).workOrder;
    expect(staff.attempts.map((a: { contractor: { id: string } }) => a.contractor.id)).toEqual([rival, me]);
  });

  it('lists only their own orders, and no complaints at all', async () => {
    const r = await stack.ok(`{ myWorkOrders { id contractor { id } } complaints { totalCount edges { node { id } } } myQueue { totalCount } workOrders { id } }`, {}, meToken);
    expect(r.myWorkOrders.map((w: { id: string }) => w.id).sort()).toEqual([orders.mine, orders.reassignedToMe].sort());
    expect(r.myWorkOrders.every((w: { contractor: { id: string } }) => w.contractor.id === me)).toBe(true);
    expect(r.complaints).toEqual({ totalCount: 0, edges: [] });
    expect(r.myQueue).toEqual({ totalCount: 0 });
    // workOrders is a staff list: for a contractor, only what they are the current contractor of.
    expect(r.workOrders.map((w: { id: string }) => w.id).sort()).toEqual([orders.mine, orders.reassignedToMe].sort());
    // The rival's list is theirs alone.
    const theirs = (await stack.ok(`{ myWorkOrders { id } }`, {}, stack.token(rival, g.tenantId))).myWorkOrders;
    expect(theirs.map((w: { id: string }) => w.id).sort()).toEqual([orders.rivalOnMine, orders.rivals].sort());
  });

  it('refuses them the staff actions on their own order (FORBIDDEN), and every action on another\'s (NOT_FOUND)', async () => {
    const staffActions: [string, Record<string, unknown>][] = [
      [`mutation($id: ID!, $k: ID!) { reassignWorkOrder(id: $id, contractorId: $k, reason: "I pass") { id } }`, { id: orders.mine, k: rival }],
      [`mutation($id: ID!) { cancelWorkOrder(id: $id, reason: "Not worth it") { id } }`, { id: orders.mine }],
      [`mutation($id: ID!) { recordReturnVisit(id: $id, method: PHONE, satisfied: true) { id } }`, { id: orders.mine }],
      [`mutation($c: ID!, $k: ID!) { issueWorkOrder(complaintId: $c, contractorId: $k, description: "More work for me") { id } }`, { c: complaints.mine.id, k: me }],
    ];
    for (const [query, vars] of staffActions) expect({ query, codes: errorCodes(await send(stack.url, meToken, query, vars)) }).toEqual({ query, codes: ['FORBIDDEN'] });
    const theirs: [string, Record<string, unknown>][] = [
      [`mutation($id: ID!, $b: DateTime!) { recordContractorContact(id: $id, bookedFor: $b) { id } }`, { id: orders.rivals, b: new Date(Date.now() + HOUR).toISOString() }],
      [`mutation($id: ID!) { recordOnSite(id: $id) { id } }`, { id: orders.rivalOnMine }],
      [`mutation($id: ID!) { completeWorkOrder(id: $id, customerSigned: false) { id } }`, { id: orders.rivals }],
      [`mutation($c: ID!, $k: ID!) { issueWorkOrder(complaintId: $c, contractorId: $k, description: "More work for me") { id } }`, { c: complaints.theirs.id, k: me }],
    ];
    for (const [query, vars] of theirs) expect({ query, codes: errorCodes(await send(stack.url, meToken, query, vars)) }).toEqual({ query, codes: ['NOT_FOUND'] });
    // Their own actions work.
    const booked = await send(stack.url, meToken, `mutation($id: ID!, $b: DateTime!) { recordContractorContact(id: $id, bookedFor: $b) { status } }`,
      { id: orders.mine, b: new Date(Date.now() + HOUR).toISOString() });
    expect(booked.json?.data?.recordContractorContact).toEqual({ status: 'BOOKED' });
  });
});
