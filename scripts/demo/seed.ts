// The demo tenant `npm start` seeds the first time: a property group with two companies, three
// branches, a user of every role and complaints in different states, all made through the GraphQL
// API (as test/support/fixtures.ts provisions tenants), then recorded in .data/demo.json.
//
// Idempotent and resumable: the fast path trusts a complete .data/demo.json whose tenant is in the
// database; otherwise every entity is looked up by its natural key (tenant name, company name,
// branch code, user name, complaint idempotency key) and only what is missing is created, so an
// interrupted seed is completed on the next start instead of duplicated.
import fs from 'fs';
import { Client } from 'pg';
import { signToken } from '../../apps/gateway/src/auth/jwt.util';
import { DEMO_FILE, writePrivateFile } from '../runtime-config';
import { graphql } from './graphql';

export const DEMO_TENANT_NAME = 'Harbour View Property Group';
export const DEMO_PRESET = 'pm-branch';
const HEAD_OFFICE_NAME = 'Harbour View Coordination Centre';
const DEMO_VERSION = 1;

type Say = (line: string) => void;

export interface DemoUser {
  id: string;
  name: string;
  role: string;
  /** "group", a company key or a branch code. */
  scope: string;
}

export interface DemoComplaint {
  id: string;
  reference: string;
  status: string;
  branch: string;
  description: string;
}

export interface DemoTenant {
  version: number;
  complete: boolean;
  tenantId: string;
  tenantName: string;
  policyPreset: string;
  seededAt: string;
  companies: Record<string, { id: string; name: string }>;
  branches: Record<string, { id: string; code: string; name: string; company: string; timezone: string }>;
  users: Record<string, DemoUser>;
  complaints: Record<string, DemoComplaint>;
}

// --- what the demo contains -----------------------------------------------------------------------

const COMPANIES = {
  guangzhou: 'Harbour View Property Services (Guangzhou) Co.',
  shenzhen: 'Harbour View Property Services (Shenzhen) Co.',
} as const;
type CompanyKey = keyof typeof COMPANIES;

const BRANCHES: { code: string; name: string; company: CompanyKey }[] = [
  { code: 'GZ01', name: 'Pearl River Gardens', company: 'guangzhou' },
  { code: 'GZ02', name: 'Baiyun Heights', company: 'guangzhou' },
  { code: 'SZ01', name: 'Nanshan Bay Residences', company: 'shenzhen' },
];
const TIMEZONE = 'Asia/Shanghai';

/** Users besides the head office (created by createTenant). Names are unique within the tenant. */
const USERS: { key: string; name: string; role: string; company?: CompanyKey; branch?: string }[] = [
  { key: 'guangzhouManager', name: 'Liu Wei', role: 'COMPANY_MANAGER', company: 'guangzhou' },
  { key: 'shenzhenManager', name: 'Huang Min', role: 'COMPANY_MANAGER', company: 'shenzhen' },
  { key: 'gz01Manager', name: 'Chen Jing', role: 'BRANCH_MANAGER', branch: 'GZ01' },
  { key: 'gz01Dispatcher', name: 'Li Na', role: 'DISPATCHER', branch: 'GZ01' },
  { key: 'gz01Handler', name: 'Wang Qiang', role: 'HANDLER', branch: 'GZ01' },
  { key: 'sz01Dispatcher', name: 'Zhou Yan', role: 'DISPATCHER', branch: 'SZ01' },
  { key: 'sz01Handler', name: 'Sun Tao', role: 'HANDLER', branch: 'SZ01' },
  { key: 'gz01Contractor', name: 'Guangming Lift Maintenance', role: 'CONTRACTOR', branch: 'GZ01' },
];

type Action =
  | { do: 'dispatch'; by: string; to: string; note: string }
  | { do: 'acknowledge'; by: string }
  | { do: 'resolve'; by: string; resolution: string }
  | { do: 'callback'; by: string; satisfied: boolean; comment: string }
  | { do: 'withdraw'; by: string; reason: string };

/** The status an action needs; the seed skips an action when the complaint is already past it. */
const NEEDS: Record<Action['do'], string> = {
  dispatch: 'RECEIVED',
  acknowledge: 'DISPATCHED',
  resolve: 'IN_PROGRESS',
  callback: 'CALLBACK_PENDING',
  withdraw: 'DISPATCHED',
};

interface ComplaintPlan {
  key: string;
  target: string;
  branch: string;
  by: string;
  input: Record<string, unknown>;
  actions: Action[];
}

const PLANS: ComplaintPlan[] = [
  {
    key: 'received', target: 'RECEIVED', branch: 'GZ02', by: 'guangzhouManager',
    input: {
      channel: 'WEB_FORM', kind: 'COMPLAINT', category: 'PROPERTY_MANAGEMENT',
      description: '小区北门门禁卡失效，住户无法进出。 The access cards stopped working at the north gate; residents cannot get in or out.',
      demand: 'Fix the card readers today', location: 'North gate', complainant: { name: '赵女士', phone: '13800138001', unit: '2-0803' },
    },
    actions: [],
  },
  {
    key: 'dispatched', target: 'DISPATCHED', branch: 'GZ01', by: 'gz01Dispatcher',
    input: {
      channel: 'PHONE', kind: 'REPAIR', category: 'PROPERTY_MANAGEMENT',
      description: '5号楼电梯经常停在楼层之间。 The lift in block 5 keeps stopping between floors.',
      demand: 'Have the lift inspected this week', location: 'Block 5, lift B', complainant: { name: '李先生', phone: '13900139002', unit: '5-1501' },
    },
    actions: [{ do: 'dispatch', by: 'gz01Dispatcher', to: 'gz01Handler', note: 'Please call the lift contractor and inspect today' }],
  },
  {
    key: 'inProgress', target: 'IN_PROGRESS', branch: 'SZ01', by: 'sz01Dispatcher',
    input: {
      channel: 'WECHAT', kind: 'COMPLAINT', category: 'PROPERTY_MANAGEMENT',
      description: '地下车库B2层照明不足，多盏灯不亮。 Poor lighting on car-park level B2: several lamps are out.',
      location: 'Car park B2, zone C', complainant: { name: '陈先生', phone: '13700137003', unit: '8-0402' },
    },
    actions: [
      { do: 'dispatch', by: 'sz01Dispatcher', to: 'sz01Handler', note: 'Replace the failed lamps' },
      { do: 'acknowledge', by: 'sz01Handler' },
    ],
  },
  {
    key: 'callbackPending', target: 'CALLBACK_PENDING', branch: 'GZ01', by: 'gz01Dispatcher',
    input: {
      channel: 'LETTER', kind: 'COMPLAINT', category: 'CONSTRUCTION_QUALITY',
      description: '楼上漏水，卧室天花板发霉。 Water is leaking from the flat above; the bedroom ceiling is mouldy.',
      demand: 'Stop the leak and repaint the ceiling', location: 'Block 3', complainant: { name: '王阿姨', phone: '13600136004', unit: '3-0702' },
    },
    actions: [
      { do: 'dispatch', by: 'gz01Dispatcher', to: 'gz01Handler', note: 'Check the bathroom waterproofing upstairs' },
      { do: 'acknowledge', by: 'gz01Handler' },
      { do: 'resolve', by: 'gz01Handler', resolution: 'Resealed the bathroom floor upstairs; treated and repainted the ceiling' },
    ],
  },
  {
    key: 'closed', target: 'CLOSED', branch: 'SZ01', by: 'sz01Dispatcher',
    input: {
      channel: 'PHONE', kind: 'COMPLAINT', category: 'CUSTOMER_SERVICE',
      description: '2号楼旁的垃圾三天没有清运。 The rubbish next to building 2 has not been collected for three days.',
      location: 'Building 2, bin store', complainant: { name: '张女士', phone: '13500135005', unit: '2-1102' },
    },
    actions: [
      { do: 'dispatch', by: 'sz01Dispatcher', to: 'sz01Handler', note: 'Arrange an extra collection' },
      { do: 'acknowledge', by: 'sz01Handler' },
      { do: 'resolve', by: 'sz01Handler', resolution: 'Extra collection done; the cleaning contractor now collects daily' },
      { do: 'callback', by: 'sz01Dispatcher', satisfied: true, comment: '满意 — satisfied, the bin store is clean now' },
    ],
  },
  {
    key: 'withdrawn', target: 'WITHDRAWN', branch: 'GZ01', by: 'gz01Dispatcher',
    input: {
      channel: 'WALK_IN', kind: 'COMPLAINT', category: 'OTHER',
      description: '周末早上八点前装修噪音扰民。 Renovation noise before 8 a.m. at weekends.',
      location: 'Block 1', complainant: { name: '刘先生', phone: '13400134006', unit: '1-0601' },
    },
    actions: [
      { do: 'dispatch', by: 'gz01Dispatcher', to: 'gz01Handler', note: 'Talk to the renovating household' },
      { do: 'withdraw', by: 'gz01Dispatcher', reason: 'The neighbour agreed to keep to the quiet hours; the customer withdrew the complaint' },
    ],
  },
];

// --- GraphQL operations (the same ones test/support/fixtures.ts uses) -----------------------------

export const OPS = {
  createTenant: `mutation($n: String!, $p: String!, $h: String!) { createTenant(name: $n, policyPreset: $p, headOfficeName: $h) { tenant { id } headOffice { id } } }`,
  createCompany: `mutation($n: String!) { createCompany(name: $n) { id } }`,
  createBranch: `mutation($c: ID!, $code: String!, $n: String!, $tz: String) { createBranch(companyId: $c, code: $code, name: $n, timezone: $tz) { id code } }`,
  createUser: `mutation($n: String!, $r: [RoleAssignmentInput!]!) { createUser(name: $n, roles: $r) { id } }`,
  submit: `mutation($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id reference status } }`,
  dispatch: `mutation($id: ID!, $a: ID!, $note: String) { dispatchComplaint(id: $id, assigneeId: $a, note: $note) { id reference status } }`,
  acknowledge: `mutation($id: ID!) { acknowledgeComplaint(id: $id) { id reference status } }`,
  resolve: `mutation($id: ID!, $r: String!) { resolveComplaint(id: $id, resolution: $r, customerSigned: true) { id reference status } }`,
  callback: `mutation($id: ID!, $s: Boolean!, $c: String) { recordCallback(id: $id, method: PHONE, satisfied: $s, comment: $c) { id reference status } }`,
  withdraw: `mutation($id: ID!, $r: String!) { withdrawComplaint(id: $id, reason: $r) { id reference status } }`,
  status: `query($id: ID!) { complaint(id: $id) { id reference status } }`,
} as const;

export function platformAdminToken(secret: string): string {
  return signToken({ sub: 'platform-operator', platformAdmin: true }, secret);
}

// --- seeding ------------------------------------------------------------------------------------

export interface EnsureDemoOptions {
  graphqlUrl: string;
  /** The application database, for the look-ups that make the seed idempotent. */
  databaseUrl: string;
  jwtSecret: string;
  say: Say;
  shouldStop?: () => boolean;
}

export function readDemoFile(): DemoTenant | undefined {
  try {
    const d = JSON.parse(fs.readFileSync(DEMO_FILE, 'utf8')) as DemoTenant;
    return d.version === DEMO_VERSION ? d : undefined;
  } catch {
    return undefined;
  }
}

/** The demo tenant: reused when it exists, else seeded (or completed) through the API. */
export async function ensureDemoTenant(opts: EnsureDemoOptions): Promise<{ demo: DemoTenant; seeded: boolean }> {
  const db = new Client({ connectionString: opts.databaseUrl });
  await db.connect();
  try {
    const recorded = readDemoFile();
    if (recorded?.complete) {
      const { rowCount } = await db.query('SELECT 1 FROM tenants WHERE id = $1', [recorded.tenantId]);
      if (rowCount) {
        opts.say(`demo tenant "${recorded.tenantName}" exists (seeded ${recorded.seededAt}); not seeding again`);
        return { demo: recorded, seeded: false };
      }
      opts.say(`the demo tenant recorded in ${DEMO_FILE} is not in this database`);
    }
    return await seed(opts, db);
  } finally {
    await db.end().catch(() => undefined);
  }
}

async function seed(opts: EnsureDemoOptions, db: Client): Promise<{ demo: DemoTenant; seeded: boolean }> {
  const { graphqlUrl, say } = opts;
  const started = Date.now();
  let created = 0;
  const one = async (sql: string, params: unknown[]): Promise<string | undefined> => (await db.query<{ id: string }>(sql, params)).rows[0]?.id;
  const check = (): void => {
    if (opts.shouldStop?.()) throw new Error('seeding interrupted');
  };

  // Tenant and its head office.
  let tenantId = await one('SELECT id FROM tenants WHERE name = $1 ORDER BY created_at LIMIT 1', [DEMO_TENANT_NAME]);
  let headOfficeId: string | undefined;
  if (tenantId) {
    say(`completing the demo tenant "${DEMO_TENANT_NAME}" (${tenantId}) where it is missing anything…`);
    headOfficeId = await one(
      `SELECT u.id FROM users u JOIN role_assignments r ON r.user_id = u.id AND r.tenant_id = u.tenant_id
        WHERE u.tenant_id = $1 AND r.role = 'HEAD_OFFICE' ORDER BY u.created_at LIMIT 1`,
      [tenantId],
    );
  } else {
    say(`seeding the demo tenant "${DEMO_TENANT_NAME}" through the GraphQL API…`);
    const t = await graphql(graphqlUrl, OPS.createTenant, { n: DEMO_TENANT_NAME, p: DEMO_PRESET, h: HEAD_OFFICE_NAME }, platformAdminToken(opts.jwtSecret));
    tenantId = t.createTenant.tenant.id as string;
    headOfficeId = t.createTenant.headOffice.id as string;
    created++;
  }
  if (!headOfficeId) throw new Error(`the demo tenant ${tenantId} has no HEAD_OFFICE user`);
  const tid = tenantId;
  const tokenOf = (userId: string): string => signToken({ sub: userId, tid }, opts.jwtSecret);
  const ho = tokenOf(headOfficeId);

  const demo: DemoTenant = {
    version: DEMO_VERSION,
    complete: false,
    tenantId: tid,
    tenantName: DEMO_TENANT_NAME,
    policyPreset: DEMO_PRESET,
    seededAt: new Date().toISOString(),
    companies: {},
    branches: {},
    users: { headOffice: { id: headOfficeId, name: HEAD_OFFICE_NAME, role: 'HEAD_OFFICE', scope: 'group' } },
    complaints: {},
  };

  for (const [key, name] of Object.entries(COMPANIES)) {
    check();
    let id = await one('SELECT id FROM companies WHERE tenant_id = $1 AND name = $2 ORDER BY created_at LIMIT 1', [tid, name]);
    if (!id) {
      id = (await graphql(graphqlUrl, OPS.createCompany, { n: name }, ho)).createCompany.id as string;
      created++;
    }
    demo.companies[key] = { id, name };
  }

  for (const b of BRANCHES) {
    check();
    let id = await one('SELECT id FROM branches WHERE tenant_id = $1 AND code = $2', [tid, b.code]);
    if (!id) {
      id = (await graphql(graphqlUrl, OPS.createBranch, { c: demo.companies[b.company].id, code: b.code, n: b.name, tz: TIMEZONE }, ho)).createBranch.id as string;
      created++;
    }
    demo.branches[b.code] = { id, code: b.code, name: b.name, company: b.company, timezone: TIMEZONE };
  }

  for (const u of USERS) {
    check();
    let id = await one('SELECT id FROM users WHERE tenant_id = $1 AND name = $2 ORDER BY created_at LIMIT 1', [tid, u.name]);
    if (!id) {
      const role = u.branch ? { role: u.role, branchId: demo.branches[u.branch].id } : { role: u.role, companyId: demo.companies[u.company as CompanyKey].id };
      id = (await graphql(graphqlUrl, OPS.createUser, { n: u.name, r: [role] }, ho)).createUser.id as string;
      created++;
    }
    demo.users[u.key] = { id, name: u.name, role: u.role, scope: u.branch ?? (u.company as string) };
  }

  // Complaints: submit (idempotent by key), then each action the complaint is not yet past.
  for (const plan of PLANS) {
    check();
    const as = (userKey: string): string => tokenOf(demo.users[userKey].id);
    const input = { idempotencyKey: `demo-${plan.key}`, branchId: demo.branches[plan.branch].id, ...plan.input };
    const before = await one('SELECT id FROM complaints WHERE tenant_id = $1 AND idempotency_key = $2', [tid, input.idempotencyKey]);
    let c = (await graphql(graphqlUrl, OPS.submit, { input }, as(plan.by))).submitComplaint as Ref;
    if (!before) created++;
    for (const a of plan.actions) {
      if (c.status !== NEEDS[a.do]) continue;
      check();
      c = await act(graphqlUrl, c.id, a, as, (userKey) => demo.users[userKey].id);
      created++;
    }
    if (plan.target === 'CLOSED' && c.status !== 'CLOSED') c = await waitForStatus(graphqlUrl, c.id, 'CLOSED', as(plan.by));
    // Someone may have moved a demo complaint on since an earlier (interrupted) seed: that is fine.
    if (c.status !== plan.target) say(`note: demo complaint ${c.reference} is ${c.status} (the demo puts it in ${plan.target})`);
    demo.complaints[plan.key] = { id: c.id, reference: c.reference, status: c.status, branch: plan.branch, description: String(plan.input.description) };
  }

  demo.complete = true;
  writePrivateFile(DEMO_FILE, `${JSON.stringify(demo, null, 2)}\n`);
  const summary = Object.values(demo.complaints).map((c) => `${c.reference} ${c.status}`).join(', ');
  say(
    created > 0
      ? `demo tenant ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${Object.keys(demo.companies).length} companies, ${BRANCHES.length} branches, ` +
          `${Object.keys(demo.users).length} users, complaints ${summary}`
      : 'the demo tenant was already complete; nothing created',
  );
  return { demo, seeded: created > 0 };
}

type Ref = { id: string; reference: string; status: string };

/** Runs one action as the user `a.by` (a user key); `userId` maps user keys to ids. */
async function act(url: string, id: string, a: Action, as: (userKey: string) => string, userId: (userKey: string) => string): Promise<Ref> {
  switch (a.do) {
    case 'dispatch':
      return (await graphql(url, OPS.dispatch, { id, a: userId(a.to), note: a.note }, as(a.by))).dispatchComplaint;
    case 'acknowledge':
      return (await graphql(url, OPS.acknowledge, { id }, as(a.by))).acknowledgeComplaint;
    case 'resolve':
      return (await graphql(url, OPS.resolve, { id, r: a.resolution }, as(a.by))).resolveComplaint;
    case 'callback':
      return (await graphql(url, OPS.callback, { id, s: a.satisfied, c: a.comment }, as(a.by))).recordCallback;
    case 'withdraw':
      return (await graphql(url, OPS.withdraw, { id, r: a.reason }, as(a.by))).withdrawComplaint;
  }
}

async function waitForStatus(url: string, id: string, status: string, token: string, timeoutMs = 30_000): Promise<Ref> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const c = (await graphql(url, OPS.status, { id }, token)).complaint as Ref;
    if (c.status === status || Date.now() > until) return c;
    await new Promise((r) => setTimeout(r, 250));
  }
}
