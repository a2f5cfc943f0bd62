import { Client } from '@temporalio/client';
import { randomBytes, randomInt, randomUUID } from 'crypto';
import { DEADLINE_KINDS } from '../../../libs/domain/src/enums';
import { weeklyReviewScheduleId } from '../../../workflows/shared/schedules';
import { dailyReportWorkflowId } from '../../../workflows/shared/ids';
import { tenantSearchAttributes } from '../../../workflows/shared/search-attributes';
import { Stack, eventually } from '../stack';

/** One complaint of the victim's branch B1, with everything of it a leak would show. */
export interface VictimComplaint {
  id: string;
  reference: string;
  description: string;
  complainantName: string;
  phone: string;
  idempotencyKey: string;
  workflowId: string;
  status: string;
}

export interface VictimUsers {
  headOffice: string;
  b1Manager: string;
  b1Dispatcher: string;
  /** Handler of B1 with complaints dispatched to them. */
  h1: string;
  /** Handler of B1 with nothing assigned. */
  h2: string;
  /** Contractor of B1 with nothing assigned. */
  contractor: string;
  /** Contractor of B1 (PLUMBING) with the work order of the dispatched complaint. */
  workContractor: string;
  b3Manager: string;
  c2Manager: string;
}

/**
 * Tenant A (the victim): company C1 with branches B1 and B2, company C2 with branch B3, the users
 * of VictimUsers and four complaints in B1 (received; dispatched to H1; in progress with H1;
 * resolved by H1, awaiting callback), all received eight days ago so that A's weekly review lists
 * them. Tenant B: a head office, a company and a branch.
 */
export interface Victims {
  a: {
    tenantId: string;
    tenantName: string;
    c1: string;
    c2: string;
    b1: string;
    b2: string;
    b3: string;
    names: string[];
    users: VictimUsers;
    complaints: { received: VictimComplaint; dispatched: VictimComplaint; inProgress: VictimComplaint; resolved: VictimComplaint };
    /** The same-matter group of the in-progress and the resolved complaint. */
    matterId: string;
    /** An escalation of the dispatched complaint addressed to B1's manager (written as its workflow would). */
    escalationId: string;
    /** The work order of the dispatched complaint, issued to `workContractor`, and its workflow. */
    workOrderId: string;
    workOrderWorkflowId: string;
  };
  b: { tenantId: string; headOffice: string; companyId: string; branchId: string };
}

const COMPLAINT = `id reference status workflowId description complainant { name phone }`;

// Every deadline far away and on the wall clock: no timer fires while the sweep runs, so a change
// of a complaint's row or history can only come from a call of the sweep.
const QUIET_POLICY = {
  deadlines: Object.fromEntries(DEADLINE_KINDS.map((k) => [k, { after: 'P60D', businessTime: false, rule: null, offHoursAfter: null }])),
};

/** Seeds both tenants through the API, as their own people would, and waits for A's weekly review. */
export async function seedVictims(stack: Stack, temporal: Client): Promise<Victims> {
  // A tag makes every name, code and text of this run unique: a marker cannot appear by chance.
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const platform = stack.platformToken();
  const provision = async (name: string, headOfficeName: string): Promise<{ tenantId: string; headOffice: string }> => {
    const t = (await stack.ok(
      `mutation($n: String!, $h: String!) { createTenant(name: $n, policyPreset: "pm-branch", headOfficeName: $h) { tenant { id } headOffice { id } } }`,
      { n: name, h: headOfficeName }, platform,
    )).createTenant;
    return { tenantId: t.tenant.id, headOffice: t.headOffice.id };
  };
  const company = async (token: string, name: string): Promise<string> =>
    (await stack.ok(`mutation($n: String!) { createCompany(name: $n) { id } }`, { n: name }, token)).createCompany.id;
  const branch = async (token: string, companyId: string, code: string, name: string): Promise<string> =>
    (await stack.ok(`mutation($c: ID!, $code: String!, $n: String!) { createBranch(companyId: $c, code: $code, name: $n) { id } }`, { c: companyId, code, n: name }, token)).createBranch.id;
  const user = async (token: string, name: string, role: Record<string, string>): Promise<string> =>
    (await stack.ok(`mutation($n: String!, $r: [RoleAssignmentInput!]!) { createUser(name: $n, roles: $r) { id } }`, { n: name, r: [role] }, token)).createUser.id;

  const names: string[] = [];
  const named = (s: string): string => (names.push(s), s);

  const tenantName = named(`Victim Group ${tag}`);
  const a = await provision(tenantName, named(`Victim Head Office ${tag}`));
  const ho = stack.token(a.headOffice, a.tenantId);
  await stack.ok(`mutation($o: JSON!) { setPolicy(overrides: $o) { id } }`, { o: QUIET_POLICY }, ho);
  const c1 = await company(ho, named(`Victim Property Co ${tag}`));
  const c2 = await company(ho, named(`Victim Estates Co ${tag}`));
  const b1 = await branch(ho, c1, named(`VA${tag}`), named(`Victim Riverside ${tag}`));
  const b2 = await branch(ho, c1, named(`VB${tag}`), named(`Victim Hillside ${tag}`));
  const b3 = await branch(ho, c2, named(`VC${tag}`), named(`Victim Lakeside ${tag}`));
  const users: VictimUsers = {
    headOffice: a.headOffice,
    b1Manager: await user(ho, named(`Victim B1 Manager ${tag}`), { role: 'BRANCH_MANAGER', branchId: b1 }),
    b1Dispatcher: await user(ho, named(`Victim B1 Dispatcher ${tag}`), { role: 'DISPATCHER', branchId: b1 }),
    h1: await user(ho, named(`Victim Handler One ${tag}`), { role: 'HANDLER', branchId: b1 }),
    h2: await user(ho, named(`Victim Handler Two ${tag}`), { role: 'HANDLER', branchId: b1 }),
    contractor: await user(ho, named(`Victim Lift Contractor ${tag}`), { role: 'CONTRACTOR', branchId: b1 }),
    b3Manager: await user(ho, named(`Victim B3 Manager ${tag}`), { role: 'BRANCH_MANAGER', branchId: b3 }),
    c2Manager: await user(ho, named(`Victim C2 Manager ${tag}`), { role: 'COMPANY_MANAGER', companyId: c2 }),
    workContractor: (await stack.ok(
      `mutation($n: String!, $b: ID!) { createContractor(name: $n, trades: [PLUMBING], branchId: $b) { user { id } } }`,
      { n: named(`Victim Plumbing Contractor ${tag}`), b: b1 }, ho,
    )).createContractor.user.id,
  };
  const dispatcher = stack.token(users.b1Dispatcher, a.tenantId);
  const h1 = stack.token(users.h1, a.tenantId);

  const eightDaysAgo = Date.now() - 8 * 86_400_000;
  const submit = async (label: string, i: number): Promise<VictimComplaint> => {
    const input = {
      idempotencyKey: `victim-${label}-${tag}`,
      branchId: b1,
      channel: 'PHONE',
      kind: 'COMPLAINT',
      category: 'PROPERTY_MANAGEMENT',
      description: `Victim complaint ${label} ${tag}: 漏水 — water through the ceiling of unit ${i}`,
      complainant: { name: `Victim Complainant ${label} ${tag}`, phone: `139${String(randomInt(0, 100_000_000)).padStart(8, '0')}`, unit: `${i}-0${i}01` },
      receivedAt: new Date(eightDaysAgo + i * 60_000).toISOString(),
    };
    const c = (await stack.ok(`mutation($i: SubmitComplaintInput!) { submitComplaint(input: $i) { ${COMPLAINT} } }`, { i: input }, dispatcher)).submitComplaint;
    return {
      id: c.id, reference: c.reference, description: c.description, complainantName: c.complainant.name, phone: c.complainant.phone,
      idempotencyKey: input.idempotencyKey, workflowId: c.workflowId, status: c.status,
    };
  };
  const act = async (token: string, mutation: string, args: string): Promise<string> =>
    (await stack.ok(`mutation { ${mutation}(${args}) { status } }`, {}, token))[mutation].status;

  const received = await submit('received', 1);
  const dispatched = await submit('dispatched', 2);
  const inProgress = await submit('in-progress', 3);
  const resolved = await submit('resolved', 4);
  for (const c of [dispatched, inProgress, resolved]) c.status = await act(dispatcher, 'dispatchComplaint', `id: "${c.id}", assigneeId: "${users.h1}"`);
  for (const c of [inProgress, resolved]) c.status = await act(h1, 'acknowledgeComplaint', `id: "${c.id}"`);
  resolved.status = await act(h1, 'resolveComplaint', `id: "${resolved.id}", resolution: "Roof membrane patched ${tag}"`);
  const matterId: string = (await stack.ok(`mutation { linkSameMatter(id: "${inProgress.id}", otherId: "${resolved.id}") { matterId } }`, {}, dispatcher)).linkSameMatter.matterId;

  // A work order of the dispatched complaint, with the plumbing contractor: the work-order operations aim at it.
  const workOrder = (await stack.ok(
    `mutation($c: ID!, $k: ID!, $d: String!) { issueWorkOrder(complaintId: $c, contractorId: $k, description: $d, requestId: "victim-work-order") { id } }`,
    { c: dispatched.id, k: users.workContractor, d: `Victim work order ${tag}: replace the leaking pipe` }, dispatcher,
  )).issueWorkOrder.id as string;

  // An escalation addressed to B1's manager: `myEscalations` shows it to them, `acknowledgeEscalation` aims at it.
  const escalationId = randomUUID();
  await stack.db.query(
    `INSERT INTO escalations (id, tenant_id, complaint_id, workflow_id, step, trigger, reason, level, notified_user_ids, raised_at, ack_due_at, policy)
     VALUES ($1, $2, $3, $4, 0, 'EMERGENCY', 'EMERGENCY', 'BRANCH_MANAGER', $5::uuid[], now(), now() + interval '1 day', '{}'::jsonb)`,
    [escalationId, a.tenantId, dispatched.id, `escalation/${a.tenantId}/${dispatched.id}/EMERGENCY/1`, [users.b1Manager]],
  );

  // A's received complaint past a deadline in the reporting facts (the policy's deadlines are 60 days
  // away): `overdueComplaints` shows it to B1's staff.
  await stack.db.query(`UPDATE report_complaint_facts SET overdue = true WHERE tenant_id = $1 AND complaint_id = $2`, [a.tenantId, received.id]);

  const bName = `Other Group ${tag}`;
  const b = await provision(bName, `Other Head Office ${tag}`);
  const bHo = stack.token(b.headOffice, b.tenantId);
  const bCompany = await company(bHo, `Other Property Co ${tag}`);
  const bBranch = await branch(bHo, bCompany, `OB${tag}`, `Other Riverside ${tag}`);

  // A's Monday review, run now: `weeklyReviews` then holds A's complaint ids for a leak to show.
  const schedule = temporal.schedule.getHandle(weeklyReviewScheduleId(a.tenantId));
  await schedule.trigger();
  await eventually(async () => {
    const reviews = (await stack.ok(`query { weeklyReviews { complaintIds } }`, {}, ho)).weeklyReviews as { complaintIds: string[] }[];
    return reviews.some((r) => r.complaintIds.includes(received.id)) ? true : undefined;
  }, 30_000, 250);
  // A run of its own on a Monday morning would rewrite the review mid-sweep: none is due now.
  await schedule.pause('security sweep: the review has run');

  // B1's daily report for the date the sweep asks about (today, UTC), built as its schedule builds one:
  // `dailyReportReceipts` and `dailyReportSnapshot` then show B1's staff. H2 joined B1 after it was built
  // (nothing addressed to them), so no persona holds a copy to mark read. Its reading time (an hour) outlasts the sweep.
  const reportDate = new Date().toISOString().slice(0, 10);
  await temporal.workflow.start('dailyReportWorkflow', {
    workflowId: dailyReportWorkflowId(a.tenantId, b1, reportDate), taskQueue: stack.taskQueue, typedSearchAttributes: tenantSearchAttributes(a.tenantId),
    args: [{ tenantId: a.tenantId, branchId: b1, timezone: 'Asia/Shanghai', date: reportDate }],
  });
  await eventually(async () => {
    const rows = await stack.db.query(`SELECT 1 FROM daily_report_receipts WHERE tenant_id = $1 AND date = $2`, [a.tenantId, reportDate]);
    return rows.length > 0 ? true : undefined;
  }, 30_000, 250);
  await stack.db.query(`DELETE FROM daily_report_receipts WHERE tenant_id = $1 AND user_id = $2`, [a.tenantId, users.h2]);

  return {
    a: { tenantId: a.tenantId, tenantName, c1, c2, b1, b2, b3, names, users, complaints: { received, dispatched, inProgress, resolved }, matterId, escalationId,
      workOrderId: workOrder, workOrderWorkflowId: `work-order/${a.tenantId}/${workOrder}` },
    b: { tenantId: b.tenantId, headOffice: b.headOffice, companyId: bCompany, branchId: bBranch },
  };
}

/** What of B1's complaints no one outside B1's staff (and the assignee) may see: ids, references, texts, names, phones. */
export function complaintMarkers(v: Victims): string[] {
  return Object.values(v.a.complaints).flatMap((c) => [c.id, c.reference, c.description, c.complainantName, c.phone]);
}

/** What of tenant A no one outside the tenant may see: its id, its companies', branches' and users' ids, names and codes. */
export function organisationMarkers(v: Victims): string[] {
  const { a } = v;
  return [a.tenantId, a.c1, a.c2, a.b1, a.b2, a.b3, ...Object.values(a.users), ...a.names];
}
