import { Stack } from './stack';

export interface Group {
  tenantId: string;
  headOffice: string;
  companyId: string;
  branchId: string;
  branchCode: string;
  otherBranchId: string;
  dispatcher: string;
  handler: string;
  branchManager: string;
  otherBranchManager: string;
  tokens: { headOffice: string; dispatcher: string; handler: string; branchManager: string; otherBranchManager: string };
}

/** Provisions a group through the API, as the platform operator and its head office would. */
export async function provisionGroup(stack: Stack, name: string, preset = 'pm-branch', code = 'GZ01'): Promise<Group> {
  const t = await stack.ok(
    `mutation($n: String!, $p: String!) { createTenant(name: $n, policyPreset: $p, headOfficeName: "Coordination Centre") { tenant { id } headOffice { id } } }`,
    { n: name, p: preset },
    stack.platformToken(),
  );
  const tenantId = t.createTenant.tenant.id;
  const headOffice = t.createTenant.headOffice.id;
  const ho = stack.token(headOffice, tenantId);
  const company = await stack.ok(`mutation { createCompany(name: "Property Services Co.") { id } }`, {}, ho);
  const companyId = company.createCompany.id;
  const branch = await stack.ok(`mutation($c: ID!, $code: String!) { createBranch(companyId: $c, code: $code, name: "Riverside Estate") { id code } }`, { c: companyId, code }, ho);
  const other = await stack.ok(`mutation($c: ID!, $code: String!) { createBranch(companyId: $c, code: $code, name: "Hillside Estate") { id } }`, { c: companyId, code: `${code}B` }, ho);
  const branchId = branch.createBranch.id;
  const otherBranchId = other.createBranch.id;
  const user = async (userName: string, role: string, b: string): Promise<string> =>
    (await stack.ok(`mutation($n: String!, $r: [RoleAssignmentInput!]!) { createUser(name: $n, roles: $r) { id } }`, { n: userName, r: [{ role, branchId: b }] }, ho)).createUser.id;
  const dispatcher = await user('Dispatcher Li', 'DISPATCHER', branchId);
  const handler = await user('Handler Wang', 'HANDLER', branchId);
  const branchManager = await user('Manager Chen', 'BRANCH_MANAGER', branchId);
  const otherBranchManager = await user('Manager Zhao', 'BRANCH_MANAGER', otherBranchId);
  return {
    tenantId, headOffice, companyId, branchId, branchCode: code, otherBranchId, dispatcher, handler, branchManager, otherBranchManager,
    tokens: {
      headOffice: ho,
      dispatcher: stack.token(dispatcher, tenantId),
      handler: stack.token(handler, tenantId),
      branchManager: stack.token(branchManager, tenantId),
      otherBranchManager: stack.token(otherBranchManager, tenantId),
    },
  };
}

export const COMPLAINT_FIELDS = `
  id reference status round severity validity responsibility satisfied workflowId policyVersion householdsAffected
  description complainant { name phone unit } branch { id code } firstContactOwner { id name } assignee { id }
  deadlines { kind dueAt metAt breachedAt }
  timeline { seq type actor data }
`;

export const SUBMIT = `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { ${COMPLAINT_FIELDS} } }`;

export function complaintInput(branchId: string, key: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    idempotencyKey: key,
    branchId,
    channel: 'PHONE',
    kind: 'COMPLAINT',
    category: 'PROPERTY_MANAGEMENT',
    description: '电梯三天没修好 — the lift in building 3 has been out of order for three days',
    demand: 'Repair it this week',
    location: 'Building 3, lobby',
    complainant: { name: '张女士', phone: '13800138000', unit: '3-1202' },
    ...extra,
  };
}

/**
 * A complaint as read back, without the outcomes of messages to the customer: those arrive on the
 * timeline whenever the delivery loop reports them, independently of the action a test compares.
 */
export function withoutMessageOutcomes<T extends { timeline?: { type: string }[] }>(c: T): T {
  return c.timeline ? { ...c, timeline: c.timeline.filter((e) => !e.type.startsWith('CUSTOMER_MESSAGE_')) } : c;
}
