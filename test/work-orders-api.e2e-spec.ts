import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { GqlResponse, Stack } from './support/stack';

// The work-order API at its edge: bounds (each field named), exactly once, another tenant's ids,
// signature images, who may take an order, and a repair's resolution gated by its work orders.

const WORK_ORDER = `id status trade attempt description customerSigned materials { name source amountYuan checkPassed } chargeYuan
  contractor { id } complaint { id } bookedFor completedAt
  signature { signedBy signedAt imageContentType image }
  attempts { attempt cause contractor { id } } timeline { seq type }`;

const ISSUE = `mutation($c: ID!, $k: ID!, $d: String!, $t: Trade, $r: String) {
  issueWorkOrder(complaintId: $c, contractorId: $k, description: $d, trade: $t, requestId: $r) { ${WORK_ORDER} } }`;
const CONTACT = `mutation($id: ID!, $b: DateTime!, $r: String) { recordContractorContact(id: $id, bookedFor: $b, requestId: $r) { ${WORK_ORDER} } }`;
const COMPLETE = `mutation($id: ID!, $m: [MaterialInput!], $c: Float, $s: Boolean!, $by: String, $img: SignatureImageInput, $r: String) {
  completeWorkOrder(id: $id, materials: $m, chargeYuan: $c, customerSigned: $s, signedBy: $by, signatureImage: $img, requestId: $r) { ${WORK_ORDER} } }`;
const SIGN = `mutation($id: ID!, $by: String!, $img: SignatureImageInput, $r: String) {
  recordCustomerSignature(id: $id, signedBy: $by, signatureImage: $img, requestId: $r) { ${WORK_ORDER} } }`;
const REASSIGN = `mutation($id: ID!, $k: ID!, $why: String!) { reassignWorkOrder(id: $id, contractorId: $k, reason: $why) { ${WORK_ORDER} } }`;
const CANCEL = `mutation($id: ID!, $why: String!, $r: String) { cancelWorkOrder(id: $id, reason: $why, requestId: $r) { ${WORK_ORDER} } }`;
const RETURN_VISIT = `mutation($id: ID!, $c: String) { recordReturnVisit(id: $id, method: PHONE, satisfied: true, comment: $c) { ${WORK_ORDER} } }`;
const CREATE_CONTRACTOR = `mutation($n: String!, $t: [Trade!]!, $b: ID, $c: ID, $rank: Int) {
  createContractor(name: $n, trades: $t, branchId: $b, companyId: $c, rank: $rank) { user { id name } trades { trade rank } } }`;
const RESOLVE = `mutation($id: ID!, $o: String) { resolveComplaint(id: $id, resolution: "Pipe replaced", workOrderOverrideReason: $o) { status timeline { type data } } }`;

// A real 1×1 PNG; a GIF; a JPEG header.
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1').toString('base64');

const HOUR = 3600_000;
const codes = (r: GqlResponse): string[] => (r.errors ?? []).map((e) => e.extensions.code);
const fields = (r: GqlResponse): string[] => (r.errors ?? []).flatMap((e) => (e.extensions.fields ?? []).map((f) => f.field));

describe('work orders over the API: bounds, exactly once, tenants, signatures', () => {
  let stack: Stack;
  let g: Group;
  let other: Group;
  let plumber: string;
  let plumber2: string;
  let elsewhere: string;
  let n = 0;

  beforeAll(async () => {
    stack = await Stack.start('work_orders_api');
    g = await provisionGroup(stack, 'Work Order Group');
    other = await provisionGroup(stack, 'Other Work Order Group', 'pm-branch', 'SZ01');
    const contractor = async (name: string, trades: string[], branchId: string, rank?: number): Promise<string> =>
      (await stack.ok(CREATE_CONTRACTOR, { n: name, t: trades, b: branchId, rank }, g.tokens.headOffice)).createContractor.user.id;
    plumber = await contractor('Plumbing Co. Zhang', ['PLUMBING', 'GENERAL_REPAIR'], g.branchId, 10);
    plumber2 = await contractor('Plumbing Co. Liu', ['PLUMBING'], g.branchId, 20);
    elsewhere = await contractor('Hillside Plumbing', ['PLUMBING'], g.otherBranchId);
  });
  afterAll(() => stack?.stop());

  const repair = async (): Promise<string> => {
    const c = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, `wo-api-${++n}`, { kind: 'REPAIR', category: 'PROPERTY_MANAGEMENT' }) }, g.tokens.dispatcher)).submitComplaint;
    return c.id;
  };
  const issue = async (complaintId: string, extra: Record<string, unknown> = {}): Promise<Record<string, any>> =>
    (await stack.ok(ISSUE, { c: complaintId, k: plumber, d: 'Kitchen pipe leaking under the sink', ...extra }, g.tokens.dispatcher)).issueWorkOrder;
  const plumberToken = (): string => stack.token(plumber, g.tenantId);
  const booked = async (id: string): Promise<void> => {
    await stack.ok(CONTACT, { id, b: new Date(Date.now() + 2 * HOUR).toISOString() }, plumberToken());
  };

  it('manages contractors: created with their trades, listed by rank for the branch, only by who may', async () => {
    const list = (await stack.ok(`query($b: ID!) { contractors(branchId: $b, trade: PLUMBING) { user { id } trades { trade rank } } }`, { b: g.branchId }, g.tokens.branchManager)).contractors;
    expect(list.map((c: { user: { id: string } }) => c.user.id)).toEqual([plumber, plumber2]);
    expect(list[0].trades).toEqual([{ trade: 'PLUMBING', rank: 10 }, { trade: 'GENERAL_REPAIR', rank: 10 }].sort((a, b) => a.rank - b.rank || a.trade.localeCompare(b.trade)));
    // The branch manager manages their own branch's contractors, not another branch's; a dispatcher none.
    const own = await stack.gql(CREATE_CONTRACTOR, { n: 'Greenery Co.', t: ['GREENING'], b: g.branchId }, g.tokens.branchManager);
    expect(codes(own)).toEqual([]);
    expect(codes(await stack.gql(CREATE_CONTRACTOR, { n: 'Greenery Co. 2', t: ['GREENING'], b: g.otherBranchId }, g.tokens.branchManager))).toEqual(['NOT_FOUND']);
    expect(codes(await stack.gql(CREATE_CONTRACTOR, { n: 'Greenery Co. 3', t: ['GREENING'], b: g.branchId }, g.tokens.dispatcher))).toEqual(['FORBIDDEN']);
    // Reordering the list: plumber2 first.
    const set = `mutation($u: ID!, $t: [ContractorTradeInput!]!) { setContractorTrades(userId: $u, trades: $t) { user { id } trades { trade rank } } }`;
    await stack.ok(set, { u: plumber2, t: [{ trade: 'PLUMBING', rank: 5 }] }, g.tokens.branchManager);
    const again = (await stack.ok(`query($b: ID!) { contractors(branchId: $b, trade: PLUMBING) { user { id } } }`, { b: g.branchId }, g.tokens.branchManager)).contractors;
    expect(again.map((c: { user: { id: string } }) => c.user.id)).toEqual([plumber2, plumber]);
    await stack.ok(set, { u: plumber2, t: [{ trade: 'PLUMBING', rank: 20 }] }, g.tokens.branchManager);
    // The new contractor and their CONTRACTOR grant are on the audit log, like any user created.
    const createdId = own.data!.createContractor.user.id as string;
    const audit = await stack.db.query(`SELECT action, record_type FROM audit_log WHERE tenant_id = $1 AND record_id = $2 ORDER BY action`, [g.tenantId, createdId]);
    expect(audit).toEqual([{ action: 'ROLE_GRANTED', record_type: 'User' }, { action: 'createContractor', record_type: 'Contractor' }]);
    // Not a contractor: the field is named.
    expect(fields(await stack.gql(set, { u: g.handler, t: [{ trade: 'PLUMBING' }] }, g.tokens.branchManager))).toEqual(['userId']);
  });

  it('refuses input beyond its bounds, naming each field', async () => {
    const complaintId = await repair();
    const wo = await issue(complaintId);
    const bad = async (query: string, vars: Record<string, unknown>, field: string, token = g.tokens.dispatcher): Promise<void> => {
      const r = await stack.gql(query, vars, token);
      expect({ field, codes: codes(r) }).toEqual({ field, codes: ['BAD_USER_INPUT'] });
      expect(fields(r)).toContain(field);
    };
    await bad(ISSUE, { c: complaintId, k: plumber, d: '修'.repeat(2001) }, 'description');
    await bad(ISSUE, { c: complaintId, k: plumber, d: '   ' }, 'description');
    await bad(ISSUE, { c: complaintId, k: plumber, d: 'ok', r: 'has space' }, 'requestId');
    await bad(CANCEL, { id: wo.id, why: 'x'.repeat(501) }, 'reason');
    await bad(REASSIGN, { id: wo.id, k: plumber2, why: 'x'.repeat(501) }, 'reason');
    await bad(CONTACT, { id: wo.id, b: new Date(Date.now() + 91 * 24 * HOUR).toISOString() }, 'bookedFor', plumberToken());
    await bad(CONTACT, { id: wo.id, b: new Date(Date.now() - 2 * 24 * HOUR).toISOString() }, 'bookedFor', plumberToken());
    const many = Array.from({ length: 51 }, (_, i) => ({ name: `Washer ${i}`, source: 'COMPANY' }));
    await bad(COMPLETE, { id: wo.id, m: many, s: false }, 'materials', plumberToken());
    await bad(COMPLETE, { id: wo.id, m: [{ name: 'x'.repeat(101), source: 'COMPANY' }], s: false }, 'materials.0.name', plumberToken());
    await bad(COMPLETE, { id: wo.id, m: [{ name: 'Valve', source: 'CUSTOMER', amountYuan: -1 }], s: false }, 'materials.0.amountYuan', plumberToken());
    await bad(COMPLETE, { id: wo.id, c: -0.01, s: false }, 'chargeYuan', plumberToken());
    await bad(COMPLETE, { id: wo.id, c: 1_000_000.01, s: false }, 'chargeYuan', plumberToken());
    await bad(COMPLETE, { id: wo.id, s: true, by: '张'.repeat(101) }, 'signedBy', plumberToken());
    await bad(SIGN, { id: wo.id, by: '张'.repeat(101) }, 'signedBy', plumberToken());
    await bad(RETURN_VISIT, { id: wo.id, c: 'x'.repeat(1001) }, 'comment');
    await bad(CREATE_CONTRACTOR, { n: 'Too many trades', t: ['ELEVATOR', 'FIRE_SYSTEM', 'PLUMBING', 'ELECTRICAL', 'CLEANING', 'GREENING', 'SECURITY', 'GENERAL_REPAIR', 'ELEVATOR'], b: g.branchId }, 'trades', g.tokens.headOffice);
    await bad(CREATE_CONTRACTOR, { n: 'Rank zero', t: ['ELEVATOR'], b: g.branchId, rank: 0 }, 'rank', g.tokens.headOffice);
    await bad(CREATE_CONTRACTOR, { n: 'Rank high', t: ['ELEVATOR'], b: g.branchId, rank: 1001 }, 'rank', g.tokens.headOffice);
    await bad(`mutation($u: ID!) { setContractorTrades(userId: $u, trades: [{ trade: PLUMBING, rank: 1001 }]) { user { id } } }`, { u: plumber }, 'trades.0.rank', g.tokens.headOffice);
    await bad(`query { contractorScorecard(period: "2026-Q5") { rank } }`, {}, 'period', g.tokens.headOffice);
    // Nothing of it was applied.
    const now = (await stack.ok(`query($id: ID!) { workOrder(id: $id) { ${WORK_ORDER} } }`, { id: wo.id }, g.tokens.dispatcher)).workOrder;
    expect(now.status).toBe('ISSUED');
    expect(now.timeline.map((e: { type: string }) => e.type)).toEqual(wo.timeline.map((e: { type: string }) => e.type));
  });

  it('issues to a contractor of the branch and trade only (BAD_USER_INPUT contractorId)', async () => {
    const complaintId = await repair();
    const refused = async (k: string, trade?: string): Promise<void> => {
      const r = await stack.gql(ISSUE, { c: complaintId, k, d: 'Fix it', t: trade }, g.tokens.dispatcher);
      expect(codes(r)).toEqual(['BAD_USER_INPUT']);
      expect(fields(r)).toEqual(['contractorId']);
    };
    await refused(elsewhere);
    await refused(g.handler);
    await refused(plumber2, 'ELEVATOR');
    expect((await stack.ok(`query($c: ID!) { workOrders(filter: { complaintId: $c }) { id } }`, { c: complaintId }, g.tokens.dispatcher)).workOrders).toEqual([]);
    // Without a trade: the contractor's first one.
    const wo = await issue(complaintId);
    expect(wo.trade).toBe('GENERAL_REPAIR');
    expect(wo.status).toBe('ISSUED');
    expect(wo.contractor.id).toBe(plumber);
    expect(wo.complaint.id).toBe(complaintId);
    // Reassigning to the contractor who has it already is not a reassignment.
    const same = await stack.gql(REASSIGN, { id: wo.id, k: plumber, why: 'Again' }, g.tokens.dispatcher);
    expect(fields(same)).toEqual(['contractorId']);
  });

  it('issues once and completes once for one requestId', async () => {
    const complaintId = await repair();
    const first = await issue(complaintId, { r: 'issue-1', t: 'PLUMBING' });
    const again = await issue(complaintId, { r: 'issue-1', t: 'PLUMBING', d: 'Another text (a retry)' });
    expect(again.id).toBe(first.id);
    expect(again.description).toBe('Kitchen pipe leaking under the sink');
    const concurrent = await Promise.all([1, 2, 3].map(() => stack.gql(ISSUE, { c: complaintId, k: plumber, d: 'Burst', r: 'issue-2' }, g.tokens.dispatcher)));
    expect(concurrent.map(codes)).toEqual([[], [], []]);
    expect(new Set(concurrent.map((r) => r.data?.issueWorkOrder.id)).size).toBe(1);
    const orders = (await stack.ok(`query($c: ID!) { complaint(id: $c) { workOrders { id } } }`, { c: complaintId }, g.tokens.dispatcher)).complaint.workOrders;
    expect(orders).toHaveLength(2);

    await booked(first.id);
    const vars = { id: first.id, m: [{ name: 'PPR pipe 20 mm', source: 'COMPANY', amountYuan: 35.5, checkPassed: true }], c: 80, s: true, r: 'complete-1' };
    const done = (await stack.ok(COMPLETE, vars, plumberToken())).completeWorkOrder;
    const twice = (await stack.ok(COMPLETE, { ...vars, c: 999 }, plumberToken())).completeWorkOrder;
    expect(done.status).toBe('COMPLETED');
    expect(twice.chargeYuan).toBe(80);
    expect(twice.timeline.filter((e: { type: string }) => e.type === 'COMPLETED')).toHaveLength(1);
    expect(twice.materials).toEqual([{ name: 'PPR pipe 20 mm', source: 'COMPANY', amountYuan: 35.5, checkPassed: true }]);
    // customerSigned without a name: the complainant signed.
    expect(twice.signature.signedBy).toBe('张女士');
    expect(twice.customerSigned).toBe(true);
    // A new request to complete again is refused by the status.
    expect(codes(await stack.gql(COMPLETE, { ...vars, r: 'complete-2' }, plumberToken()))).toEqual(['INVALID_TRANSITION']);

    // Cancelling twice with one requestId: the second answers with the cancelled order.
    const second = concurrent[0].data!.issueWorkOrder.id as string;
    const c1 = (await stack.ok(CANCEL, { id: second, why: 'Duplicate of the other order', r: 'cancel-1' }, g.tokens.dispatcher)).cancelWorkOrder;
    const c2 = await stack.gql(CANCEL, { id: second, why: 'Duplicate of the other order', r: 'cancel-1' }, g.tokens.dispatcher);
    expect(c1.status).toBe('CANCELLED');
    expect(codes(c2)).toEqual([]);
    expect(c2.data?.cancelWorkOrder.timeline.filter((e: { type: string }) => e.type === 'CANCELLED')).toHaveLength(1);
    // A new request on the cancelled order is refused: only the retry of the cancelling request is answered.
    expect(codes(await stack.gql(CANCEL, { id: second, why: 'Cancel once more', r: 'cancel-2' }, g.tokens.dispatcher))).toEqual(['INVALID_TRANSITION']);
  });

  it('answers another tenant\'s ids as ids that exist nowhere (NOT_FOUND)', async () => {
    const complaintId = await repair();
    const wo = await issue(complaintId);
    const outsider = other.tokens.headOffice;
    const tries: [string, Record<string, unknown>][] = [
      [`query($id: ID!) { workOrder(id: $id) { id } }`, { id: wo.id }],
      [CONTACT, { id: wo.id, b: new Date(Date.now() + HOUR).toISOString() }],
      [`mutation($id: ID!) { recordOnSite(id: $id) { id } }`, { id: wo.id }],
      [COMPLETE, { id: wo.id, s: false }],
      [SIGN, { id: wo.id, by: 'Someone' }],
      [REASSIGN, { id: wo.id, k: plumber2, why: 'Mine now' }],
      [CANCEL, { id: wo.id, why: 'Mine now' }],
      [RETURN_VISIT, { id: wo.id }],
      [ISSUE, { c: complaintId, k: plumber, d: 'Mine now' }],
      [`mutation($u: ID!) { setContractorTrades(userId: $u, trades: [{ trade: PLUMBING }]) { user { id } } }`, { u: plumber }],
      [`query($b: ID!) { contractors(branchId: $b) { user { id } } }`, { b: g.branchId }],
    ];
    for (const [query, vars] of tries) expect({ query, codes: codes(await stack.gql(query, vars, outsider)) }).toEqual({ query, codes: ['NOT_FOUND'] });
    const lists = await stack.ok(`query($c: ID!) { workOrders(filter: { complaintId: $c }) { id } myWorkOrders { id } contractorScorecard(period: "2026") { rank } }`, { c: complaintId }, outsider);
    expect(lists).toEqual({ workOrders: [], myWorkOrders: [], contractorScorecard: [] });
    const still = (await stack.ok(`query($id: ID!) { workOrder(id: $id) { status contractor { id } timeline { type } } }`, { id: wo.id }, g.tokens.dispatcher)).workOrder;
    expect(still).toEqual({ status: 'ISSUED', contractor: { id: plumber }, timeline: wo.timeline.map((e: { type: string }) => ({ type: e.type })) });
  });

  it('checks signature images: a GIF, garbage, an oversized one or a wrong type refused naming the field; a small PNG kept', async () => {
    const complaintId = await repair();
    const wo = await issue(complaintId);
    await booked(wo.id);
    const refusedAt = async (img: Record<string, unknown>, field: string): Promise<void> => {
      const r = await stack.gql(COMPLETE, { id: wo.id, s: true, by: '张女士', img }, plumberToken());
      expect({ field, codes: codes(r) }).toEqual({ field, codes: ['BAD_USER_INPUT'] });
      expect(fields(r)).toContain(field);
    };
    await refusedAt({ contentType: 'image/png', base64: GIF }, 'signatureImage.base64');
    await refusedAt({ contentType: 'image/gif', base64: GIF }, 'signatureImage.contentType');
    await refusedAt({ contentType: 'image/png', base64: Buffer.from('not an image at all').toString('base64') }, 'signatureImage.base64');
    await refusedAt({ contentType: 'image/png', base64: '%%%' }, 'signatureImage.base64');
    const oversized = Buffer.concat([Buffer.from(PNG_1X1, 'base64'), Buffer.alloc(128 * 1024)]).toString('base64');
    await refusedAt({ contentType: 'image/png', base64: oversized }, 'signatureImage.base64');
    await refusedAt({ contentType: 'image/jpeg', base64: PNG_1X1 }, 'signatureImage.contentType');
    // A mismatch is the declared type's fault only.
    expect(fields(await stack.gql(COMPLETE, { id: wo.id, s: true, img: { contentType: 'image/jpeg', base64: PNG_1X1 } }, plumberToken()))).toEqual(['signatureImage.contentType']);
    const stored = async (): Promise<number> => (await stack.db.query(`SELECT count(*)::int AS n FROM work_order_signatures WHERE work_order_id = $1`, [wo.id]))[0].n;
    expect(await stored()).toBe(0);

    // Completed unsigned, then signed with a real PNG: kept, and given back as a data URL.
    const unsigned = (await stack.ok(COMPLETE, { id: wo.id, s: false }, plumberToken())).completeWorkOrder;
    expect(unsigned.customerSigned).toBe(false);
    expect(unsigned.signature).toBeNull();
    const signed = (await stack.ok(SIGN, { id: wo.id, by: '张女士', img: { contentType: 'image/png', base64: PNG_1X1 }, r: 'sign-1' }, plumberToken())).recordCustomerSignature;
    expect(signed.customerSigned).toBe(true);
    expect(signed.signature).toMatchObject({ signedBy: '张女士', imageContentType: 'image/png', image: `data:image/png;base64,${PNG_1X1}` });
    expect(await stored()).toBe(1);
  });

  it('keeps a repair from being resolved while a work order is open or unsigned, unless staff give a reason', async () => {
    const complaintId = await repair();
    await stack.ok(`mutation($id: ID!, $a: ID!) { dispatchComplaint(id: $id, assigneeId: $a) { id } }`, { id: complaintId, a: g.handler }, g.tokens.dispatcher);
    await stack.ok(`mutation($id: ID!) { acknowledgeComplaint(id: $id) { id } }`, { id: complaintId }, g.tokens.handler);
    const wo = await issue(complaintId);
    const open = await stack.gql(RESOLVE, { id: complaintId }, g.tokens.handler);
    expect(codes(open)).toEqual(['INVALID_TRANSITION']);
    expect(open.errors?.[0].message).toContain(wo.id);
    await booked(wo.id);
    await stack.ok(COMPLETE, { id: wo.id, s: false }, plumberToken());
    const unsigned = await stack.gql(RESOLVE, { id: complaintId }, g.tokens.handler);
    expect(codes(unsigned)).toEqual(['INVALID_TRANSITION']);
    expect(unsigned.errors?.[0].message).toMatch(/not signed/);
    expect(fields(await stack.gql(RESOLVE, { id: complaintId, o: 'x'.repeat(501) }, g.tokens.handler))).toEqual(['workOrderOverrideReason']);
    const resolved = (await stack.ok(RESOLVE, { id: complaintId, o: '客户外出，签字待补 — the customer is away; signature to follow' }, g.tokens.handler)).resolveComplaint;
    // Resolved: it now waits for its callback.
    expect(resolved.status).toBe('CALLBACK_PENDING');
    const event = resolved.timeline.find((e: { type: string }) => e.type === 'RESOLVED');
    expect(event.data.workOrderOverrideReason).toBe('客户外出，签字待补 — the customer is away; signature to follow');

    // Signed: nothing blocks, and the RESOLVED event carries no override.
    const other2 = await repair();
    await stack.ok(`mutation($id: ID!, $a: ID!) { dispatchComplaint(id: $id, assigneeId: $a) { id } }`, { id: other2, a: g.handler }, g.tokens.dispatcher);
    await stack.ok(`mutation($id: ID!) { acknowledgeComplaint(id: $id) { id } }`, { id: other2 }, g.tokens.handler);
    const wo2 = await issue(other2);
    await booked(wo2.id);
    await stack.ok(COMPLETE, { id: wo2.id, s: true, by: '张女士' }, plumberToken());
    const clean = (await stack.ok(RESOLVE, { id: other2 }, g.tokens.handler)).resolveComplaint;
    expect(clean.status).toBe('CALLBACK_PENDING');
    expect(clean.timeline.find((e: { type: string }) => e.type === 'RESOLVED').data).not.toHaveProperty('workOrderOverrideReason');
  });
});
