import { Client, Connection } from '@temporalio/client';
import { randomBytes, randomUUID } from 'crypto';
import {
  GraphQLField, GraphQLInputType, GraphQLSchema, getNamedType, getNullableType, isEnumType, isInputObjectType, isListType,
} from 'graphql';
import { GENERATE, Path } from './support/fuzz/schema-walk';
import { SweepAnswer, errorCodes, markersIn, outcomeOf, send, short } from './support/sweep/judge';
import {
  Operation, introspectSchema, namesRecord, operationDocument, rootOperations, selectionSet, synthesiseArgs,
} from './support/sweep/operations';
import { VictimComplaint, Victims, complaintMarkers, organisationMarkers, seedVictims } from './support/sweep/seed';
import { TenantSnapshot, settledSnapshot, snapshotDiff, snapshotTenant } from './support/sweep/snapshot';
import { Stack, temporalAddress } from './support/stack';
import { SubscriptionCall, SweptSubscription, openSubscriptions } from './support/sweep/subscriptions';

/**
 * The security sweep: every query and mutation of the schema the gateway serves (read by
 * introspection, so a new operation is swept without touching this file), called with the ids of
 * tenant A's real records by people who must not reach them. Each call must show none of A's data,
 * be refused only for scope (NOT_FOUND or FORBIDDEN) or answer with nothing, and change nothing
 * of A, in the database or in Temporal.
 */

type PersonaKey = 'otherTenantHeadOffice' | 'otherBranchManager' | 'otherCompanyManager' | 'unassignedHandler' | 'contractor' | 'platformAdmin';

interface Persona {
  key: PersonaKey;
  token: string;
  /** What this persona must never see. */
  forbidden: string[];
  /** Outside tenant A: answers to A's ids must be those to ids that exist nowhere. */
  outsideTenant: boolean;
}

const PERSONAS: { key: PersonaKey; who: string }[] = [
  { key: 'otherTenantHeadOffice', who: "(a) tenant B's head office" },
  { key: 'otherBranchManager', who: '(b) the B3 branch manager (same tenant, another branch)' },
  { key: 'otherCompanyManager', who: '(b) the C2 company manager (same tenant, another company)' },
  { key: 'unassignedHandler', who: '(c) handler H2 of B1, nothing assigned' },
  { key: 'contractor', who: '(d) contractor K of B1, nothing assigned' },
  { key: 'platformAdmin', who: '(e) the platform admin' },
];

// The only answers a refusal may carry: out of scope is NOT_FOUND (it does not exist for you) or
// FORBIDDEN (your role may not). Anything else means the call got past the scope check, or the
// sweep's arguments are wrong: both are findings.
const SCOPE_REFUSALS = new Set(['NOT_FOUND', 'FORBIDDEN']);

/**
 * Operations that legitimately answer with something (not a refusal, not an empty result) for a
 * persona, in that persona's own scope. The marker scan and the snapshot of A still apply to them.
 */
const ALLOWED_ANSWERS: Record<string, readonly PersonaKey[] | 'everyone'> = {
  // Public liveness probe: "ok" for anyone.
  health: 'everyone',
  // Everyone may see who they are (their own user, their own roles).
  me: 'everyone',
  // Tenant B's head office creates a company in tenant B.
  createCompany: ['otherTenantHeadOffice'],
  // Tenant B's head office sets tenant B's policy.
  setPolicy: ['otherTenantHeadOffice'],
  // The platform operator provisions a new tenant (neither A nor B).
  createTenant: ['platformAdmin'],
  // A company manager reads the weekly reviews of their own company (C2: none of B1's complaints).
  weeklyReviews: ['otherCompanyManager'],
  // Tenant B's head office sets and reads tenant B's own search terms, classifier, message channels and templates.
  setTextTerms: ['otherTenantHeadOffice'],
  retrainCategoryModel: ['otherTenantHeadOffice'],
  setMessageChannel: ['otherTenantHeadOffice'],
  messageChannels: ['otherTenantHeadOffice'],
  setMessageTemplate: ['otherTenantHeadOffice'],
  // Staff read their own group's templates (the built-in defaults until it saves its own) and the variables a template may use.
  messageTemplates: ['otherTenantHeadOffice', 'otherBranchManager', 'otherCompanyManager'],
  messageTemplateVariables: ['otherTenantHeadOffice', 'otherBranchManager', 'otherCompanyManager'],
};

/**
 * Queries that show a group's configuration or a computation, never tenant A's complaint data, so the
 * positive control has no marker of A to find in them. Their isolation has its own tests:
 * suggestCategory and textTerms in test/text.e2e-spec.ts, categoryModel in test/category-model.e2e-spec.ts,
 * messageTemplates (and its variables) in test/message-templates.e2e-spec.ts, messageChannels in
 * test/message-channels.e2e-spec.ts. The persona sweep still calls them.
 */
const CONFIGURATION_QUERIES = new Set(['suggestCategory', 'messageTemplateVariables', 'textTerms', 'messageTemplates', 'messageChannels', 'categoryModel']);

const isAllowed = (operation: string, persona: PersonaKey): boolean => {
  const allowed = ALLOWED_ANSWERS[operation];
  return allowed === 'everyone' || (allowed ?? []).includes(persona);
};

type ComplaintState = keyof Victims['a']['complaints'];

// The complaint each action is aimed at: one whose state lets the action proceed, so that scope is
// the only reason left to refuse it. Reads (and anything not listed) take the dispatched one.
const TARGET: Record<string, ComplaintState> = {
  dispatchComplaint: 'received',
  withdrawComplaint: 'received',
  acknowledgeComplaint: 'dispatched',
  recordFollowUp: 'inProgress',
  determineValidity: 'inProgress',
  resolveComplaint: 'inProgress',
  recordCallback: 'resolved',
  submitSpecialReport: 'resolved',
};

/** Operations whose `id` names a work order. */
const WORK_ORDER_OPERATIONS = new Set([
  'workOrder', 'recordContractorContact', 'recordOnSite', 'completeWorkOrder', 'recordCustomerSignature', 'reassignWorkOrder',
  'cancelWorkOrder', 'recordReturnVisit',
]);

const today = (): string => new Date().toISOString().slice(0, 10);
const quarter = (): string => `${new Date().getUTCFullYear()}-Q${Math.floor(new Date().getUTCMonth() / 3) + 1}`;
const tag = (): string => randomBytes(3).toString('hex').toUpperCase();

describe('security sweep: every operation, as everyone who must not reach tenant A', () => {
  let stack: Stack;
  let connection: Connection;
  let temporal: Client;
  let v: Victims;
  let schema: GraphQLSchema;
  let operations: Operation[];
  const personas = new Map<PersonaKey, Persona>();
  let snapshot: () => Promise<TenantSnapshot>;
  /** A as seeded; and as the first persona's pass found it (the positive control's reads may be journaled). */
  let initial: TenantSnapshot;
  let beforeSweep: TenantSnapshot | undefined;
  /** Per persona, the operations called; and the number of calls made. */
  const swept = new Map<PersonaKey, Set<string>>();
  let calls = 0;

  beforeAll(async () => {
    stack = await Stack.start('security_sweep');
    connection = await Connection.connect({ address: temporalAddress() });
    temporal = new Client({ connection });
    v = await seedVictims(stack, temporal);
    // The schema as served, read from a second gateway on the same code in development mode (the
    // one under test refuses introspection, as in production).
    schema = await introspectSchema(await stack.extraGateway({ development: true, limits: { maxDepth: 50, maxTokens: 100_000 } }));
    operations = rootOperations(schema);

    // A's work order is the dispatched complaint's: its id is as much A's complaint data as the complaint's own.
    const complaintsOnly = [...complaintMarkers(v), v.a.workOrderId];
    const everything = [...complaintsOnly, ...organisationMarkers(v)];
    const a = v.a.users;
    const inA = (userId: string): string => stack.token(userId, v.a.tenantId);
    const add = (key: PersonaKey, token: string, forbidden: string[], outsideTenant: boolean): void => void personas.set(key, { key, token, forbidden, outsideTenant });
    add('otherTenantHeadOffice', stack.token(v.b.headOffice, v.b.tenantId), everything, true);
    add('otherBranchManager', inA(a.b3Manager), complaintsOnly, false);
    add('otherCompanyManager', inA(a.c2Manager), complaintsOnly, false);
    add('unassignedHandler', inA(a.h2), complaintsOnly, false);
    add('contractor', inA(a.contractor), complaintsOnly, false);
    add('platformAdmin', stack.platformToken(), everything, true);

    const workflowIds = [...Object.values(v.a.complaints).map((c) => c.workflowId), v.a.workOrderWorkflowId];
    snapshot = () => snapshotTenant(stack.db, temporal, v.a.tenantId, workflowIds);
    initial = await settledSnapshot(snapshot);
  });

  afterAll(async () => {
    await connection?.close();
    await stack?.stop();
  });

  /** A real id of tenant A for an argument naming a record, chosen by the argument's name. */
  function idFor(operation: string, name: string): string {
    const c = v.a.complaints;
    const target = c[TARGET[operation] ?? 'dispatched'];
    // A matter is named by its own id: A's matter of two B1 complaints.
    if (operation === 'matter' && name === 'id') return v.a.matterId;
    // An escalation is named by its own id: A's escalation addressed to B1's manager.
    if (operation === 'acknowledgeEscalation' && name === 'id') return v.a.escalationId;
    // A work order is named by its own id: A's work order of the dispatched complaint.
    if (WORK_ORDER_OPERATIONS.has(operation) && name === 'id') return v.a.workOrderId;
    switch (name) {
      case 'id':
      case 'complaintId':
      case 'recordId':
        return target.id;
      // The other complaint of a pair (same matter, merge): another B1 complaint.
      case 'otherId':
      case 'intoId':
        return (target === c.received ? c.dispatched : c.received).id;
      case 'branchId':
        return v.a.b1;
      case 'companyId':
        return v.a.c1;
      case 'assigneeId':
      case 'toUserId':
      case 'userId':
        return v.a.users.h1;
      // B1's dispatcher took and dispatched every B1 complaint: what they did is on record.
      case 'actorId':
        return v.a.users.b1Dispatcher;
      // The contractor with A's work order (its scorecard, its orders).
      case 'contractorId':
        return v.a.users.workContractor;
      case 'tenantId':
        return v.a.tenantId;
      default:
        throw new Error(`the sweep has no tenant-A id for the ID argument "${name}" of ${operation}: map it in idFor (test/security-sweep.e2e-spec.ts)`);
    }
  }

  /**
   * The value of one argument or input field: a real tenant-A id for an ID (or, with `ids`, another
   * id), a valid value where validity is semantic, GENERATE for the walker's generator by type.
   */
  function valueFor(persona: string, ids: (operation: string, name: string) => string) {
    return (operation: string, path: Path, name: string, type: GraphQLInputType): unknown => {
      const named = getNamedType(type);
      const list = isListType(getNullableType(type));
      // A branch grant names only its branch.
      if (name === 'roles' && list) return [{ role: 'HANDLER', branchId: ids(operation, 'branchId') }];
      if (name === 'calendar' && isInputObjectType(named)) {
        return { timezone: 'Asia/Shanghai', workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '18:00' })) };
      }
      if (name === 'overrides' && named.name === 'JSON') return { callback: { requiredFor: 'VALID' } };
      // A search term list and an SMS channel's settings (the channel argument's first value, SMS) that validate.
      if (name === 'terms' && list) return ['翠湖苑'];
      if (name === 'channel' && operation === 'setMessageChannel') return 'SMS';
      if (name === 'config' && named.name === 'JSON') {
        return { endpoint: 'http://127.0.0.1:9/', accessKeyId: 'LTAIsweepkey01', accessKeySecret: 'sweep-secret-0001', signName: '物业服务', templateCode: 'SMS_000001' };
      }
      if (namesRecord(name, type) && !list) return ids(operation, name);
      // halfMonthlyReport: the half of the month today is in (1: days 1–15, 2: the rest).
      if (name === 'half') return Number(today().slice(8, 10)) <= 15 ? 1 : 2;
      if (list || (named.name !== 'String' && !isEnumType(named))) return GENERATE;
      switch (name) {
        case 'requestId':
          return `sweep-${persona}-${operation}-${tag()}`;
        // The key of A's dispatched complaint: intake answers an existing key with that complaint,
        // which is one more way to read it for whoever gets past the branch check.
        case 'idempotencyKey':
          return v.a.complaints.dispatched.idempotencyKey;
        case 'code':
          return `SW${tag()}`;
        case 'timezone':
          return 'Asia/Shanghai';
        case 'policyPreset':
          return 'pm-branch';
        case 'phone':
          return '13800138000';
        case 'validity':
          return 'VALID';
        case 'responsibility':
          return 'RESPONSIBLE';
        case 'role':
          return 'HANDLER';
        case 'month':
          return today().slice(0, 7);
        case 'date':
          return today();
        case 'period':
        case 'quarter':
          return quarter();
        default:
          return GENERATE;
      }
    };
  }

  /** The call of `op` as `persona`: arguments, and a document selecting every leaf to depth 3. */
  function callOf(op: Operation, persona: string, ids: (operation: string, name: string) => string): { query: string; args: Record<string, unknown> } {
    const values = valueFor(persona, ids);
    const args = synthesiseArgs(op.field, values);
    const selection = selectionSet(schema, op.field.type, 3, (f: GraphQLField<unknown, unknown>) => synthesiseArgs(f, values));
    return { query: operationDocument(op, args, selection), args };
  }

  const hasIdArgument = (op: Operation): boolean => JSON.stringify(callOf(op, 'probe', () => 'ID-PROBE')).includes('ID-PROBE');

  /** Findings of one answer: A's markers, a code other than a scope refusal, an answer not allowed. */
  function judge(persona: Persona, op: Operation, a: SweepAnswer, label = op.name): string[] {
    const out: string[] = [];
    if (!a.json) return [`${label}: not a GraphQL answer (HTTP ${a.status}): ${short(a.body)}`];
    const leaked = markersIn(a, persona.forbidden);
    if (leaked.length) out.push(`${label}: shows tenant A's data (${leaked.map((m) => JSON.stringify(m)).join(', ')}): ${short(a.body, 500)}`);
    for (const e of a.json.errors ?? []) {
      const code = e.extensions?.code ?? '(no code)';
      if (!SCOPE_REFUSALS.has(code)) out.push(`${label}: answered ${code}, not NOT_FOUND/FORBIDDEN: ${short(e.message)}`);
    }
    if (outcomeOf(a, op.name) === 'answered' && !isAllowed(op.name, persona.key)) {
      out.push(`${label}: answered with data, and it is not on the allow-list: ${short(a.body)}`);
    }
    return out;
  }

  it('sees the victim data where it belongs: the scan finds it, the snapshot reads it (positive control)', async () => {
    const markers = complaintMarkers(v);
    const manager = stack.token(v.a.users.b1Manager, v.a.tenantId);
    const seen = new Set<string>();
    for (const c of Object.values(v.a.complaints) as VictimComplaint[]) {
      const a = await send(stack.url, manager, `query($id: ID!) { complaint(id: $id) { id reference description complainant { name phone } } }`, { id: c.id });
      expect(markersIn(a, [c.id, c.reference, c.description, c.complainantName, c.phone])).toHaveLength(5);
      markersIn(a, markers).forEach((m) => seen.add(m));
    }
    const list = await send(stack.url, manager, `query($b: ID!) { complaints(filter: { branchId: $b }) { totalCount edges { node { id reference description complainant { name phone } } } } }`, { b: v.a.b1 });
    expect(markersIn(list, markers).sort()).toEqual([...markers].sort());
    expect([...seen].sort()).toEqual([...markers].sort());
    expect(Object.values(v.a.complaints).map((c) => c.status)).toEqual(['RECEIVED', 'DISPATCHED', 'IN_PROGRESS', 'CALLBACK_PENDING']);

    // The snapshot sees A's rows and histories (row-level security did not hide them from it).
    expect(initial.tables['public.complaints'].rows).toBe(4);
    expect(initial.tables['public.users'].rows).toBe(9);
    expect(Object.values(initial.histories).every((n) => n > 0)).toBe(true);

    // Each query, with the very arguments the sweep sends, shows A's data to someone of A who may
    // see it: the sweep's calls aim at real data, so an empty answer to a persona means something.
    // The plumbing contractor owns A's work order: `myWorkOrders` shows it to them.
    const owners = [v.a.users.headOffice, v.a.users.b1Manager, v.a.users.h1, v.a.users.b1Dispatcher, v.a.users.workContractor].map((u) => stack.token(u, v.a.tenantId));
    const everything = [...markers, ...organisationMarkers(v)];
    const blind: string[] = [];
    for (const op of operations.filter((o) => o.kind === 'query' && o.name !== 'health' && !CONFIGURATION_QUERIES.has(o.name))) {
      const { query, args } = callOf(op, 'owner', idFor);
      let found = false;
      for (const token of owners) {
        if (markersIn(await send(stack.url, token, query, args), everything).length) {
          found = true;
          break;
        }
      }
      if (!found) blind.push(op.name);
    }
    expect(blind).toEqual([]);
  });

  it.each(PERSONAS)('$who: sees nothing of A, is refused only for scope, changes nothing', async ({ key }) => {
    const persona = personas.get(key)!;
    const findings: string[] = [];
    const done = new Set<string>();
    swept.set(key, done);
    const start = await settledSnapshot(snapshot);
    beforeSweep ??= start;
    let previous = start;
    // Reads first: a persona's own writes (an audit entry naming the id it sent) cannot then be
    // mistaken for a leak by one of its reads.
    const ordered = [...operations.filter((o) => o.kind === 'query'), ...operations.filter((o) => o.kind === 'mutation')];
    for (const op of ordered) {
      const { query, args } = callOf(op, key, idFor);
      const answer = await send(stack.url, persona.token, query, args);
      calls += 1;
      done.add(op.name);
      findings.push(...judge(persona, op, answer));
      const now = await snapshot();
      findings.push(...snapshotDiff(previous, now).map((d) => `${op.name}: changed tenant A: ${d}`));
      previous = now;

      // Outside A, A's ids must be indistinguishable from ids that exist nowhere.
      if (persona.outsideTenant && hasIdArgument(op)) {
        const nowhere = callOf(op, key, () => randomUUID());
        const control = await send(stack.url, persona.token, nowhere.query, nowhere.args);
        calls += 1;
        findings.push(...judge(persona, op, control, `${op.name} (unknown ids)`));
        const real = `${outcomeOf(answer, op.name)} ${[...new Set(errorCodes(answer))].sort().join(',')}`;
        const unknown = `${outcomeOf(control, op.name)} ${[...new Set(errorCodes(control))].sort().join(',')}`;
        if (real !== unknown) findings.push(`${op.name}: tells A's ids from unknown ones (${real} vs ${unknown})`);
        const after = await snapshot();
        findings.push(...snapshotDiff(previous, after).map((d) => `${op.name} (unknown ids): changed tenant A: ${d}`));
        previous = after;
      }
    }
    // Whatever a call set off in the background has had its chance to land.
    const end = await settledSnapshot(snapshot);
    findings.push(...snapshotDiff(start, end).map((d) => `after the pass: tenant A changed: ${d}`));
    if (findings.length) throw new Error(`${findings.length} findings for ${key}:\n- ${findings.join('\n- ')}`);
  });

  it('no one grants a role above their own, in their own scope either', async () => {
    // Rank of each role: a grant of a higher rank than the grantor's own is an escalation,
    // whatever company or branch it names. A new role must be ranked here.
    const RANK: Record<string, number> = { CONTRACTOR: 1, HANDLER: 1, DISPATCHER: 2, BRANCH_MANAGER: 3, COMPANY_MANAGER: 4, HEAD_OFFICE: 5, PLATFORM_ADMIN: 99 };
    const roleType = schema.getType('Role');
    if (!roleType || !isEnumType(roleType)) throw new Error('the schema has no Role enum');
    const roles = roleType.getValues().map((r) => r.name);
    expect(roles.filter((r) => !(r in RANK))).toEqual([]);

    const a = v.a;
    const grantors = [
      { who: 'B3 branch manager', token: personas.get('otherBranchManager')!.token, rank: RANK.BRANCH_MANAGER },
      { who: 'C2 company manager', token: personas.get('otherCompanyManager')!.token, rank: RANK.COMPANY_MANAGER },
    ];
    // Their own scope: company C2 and its branch B3.
    const shapes = [{}, { companyId: a.c2 }, { branchId: a.b3 }, { companyId: a.c2, branchId: a.b3 }];
    const findings: string[] = [];
    const start = await settledSnapshot(snapshot);
    let previous = start;
    let tried = 0;
    for (const g of grantors) {
      for (const role of roles.filter((r) => RANK[r] > g.rank)) {
        for (const shape of shapes) {
          const grant = { role, ...shape };
          const answer = await send(stack.url, g.token, `mutation($r: [RoleAssignmentInput!]!) { createUser(name: "Escalated ${tag()}", roles: $r) { id roles { role companyId branchId } } }`, { r: [grant] });
          tried += 1;
          const codes = errorCodes(answer);
          if (answer.json?.data?.createUser || codes.length === 0 || codes.some((c) => c !== 'FORBIDDEN' && c !== 'BAD_USER_INPUT')) {
            findings.push(`${g.who} granting ${JSON.stringify(grant)}: not refused (${codes.join(',') || 'no error'}): ${short(answer.body)}`);
          }
          const now = await snapshot();
          findings.push(...snapshotDiff(previous, now).map((d) => `${g.who} granting ${JSON.stringify(grant)}: changed tenant A: ${d}`));
          previous = now;
        }
      }
    }
    expect(tried).toBeGreaterThan(0);
    if (findings.length) throw new Error(`${findings.length} escalations:\n- ${findings.join('\n- ')}`);
  });

  it('covered every query and mutation of the schema as every persona, and tenant A ends as it began', async () => {
    const names = operations.filter((o) => o.kind !== 'subscription').map((o) => o.name);
    expect(names.length).toBeGreaterThan(0);
    // The allow-list names only operations that exist: a renamed operation does not leave a stale pass.
    expect(Object.keys(ALLOWED_ANSWERS).filter((n) => !names.includes(n))).toEqual([]);
    const missed = PERSONAS.flatMap(({ key }) => names.filter((n) => !swept.get(key)?.has(n)).map((n) => `${key}: ${n}`));
    expect(missed).toEqual([]);
    expect(calls).toBeGreaterThanOrEqual(PERSONAS.length * names.length);
    process.stderr.write(`[security sweep] ${calls} calls: ${PERSONAS.length} personas × ${names.length} operations (${names.join(', ')}), plus unknown-id controls\n`);
    expect(beforeSweep).toBeDefined();
    expect(snapshotDiff(beforeSweep!, await settledSnapshot(snapshot))).toEqual([]);
  });

  // Last: it changes tenant A on purpose (a follow-up by A's own staff), which the passes above forbid.
  it('every subscription, as every persona over graphql-ws: refused only for scope, and nothing arrives when A changes', async () => {
    const subscriptionOps = operations.filter((o) => o.kind === 'subscription');
    expect(subscriptionOps.length).toBeGreaterThan(0);
    const gateway = stack.url;
    const callsAs = (persona: string, ids: (operation: string, name: string) => string, suffix = ''): SubscriptionCall[] => subscriptionOps.map((op) => {
      const { query, args } = callOf(op, persona, ids);
      return { operation: op.name, label: `${op.name}${suffix} (subscription)`, query, args };
    });
    // Positive control: A's own branch manager, on the same transport with the same documents, must
    // receive the change (so the window below is one in which updates do arrive).
    const owner = openSubscriptions(gateway, stack.token(v.a.users.b1Manager, v.a.tenantId), callsAs('owner', idFor));
    const opened = PERSONAS.map(({ key }) => {
      const persona = personas.get(key)!;
      const real = openSubscriptions(gateway, persona.token, callsAs(key, idFor));
      // Outside A, A's ids must be answered as ids that exist nowhere.
      const unknown = persona.outsideTenant ? openSubscriptions(gateway, persona.token, callsAs(key, () => randomUUID(), ' (unknown ids)')) : null;
      return { persona, real, unknown };
    });
    const findings: string[] = [];
    try {
      const target = v.a.complaints.inProgress;
      const manager = stack.token(v.a.users.b1Manager, v.a.tenantId);
      const changeA = async (): Promise<void> => {
        const r = await send(gateway, manager, `mutation($id: ID!, $r: String!) { recordFollowUp(id: $id, note: "Sweep: checked the lift again", customerInformed: false, requestId: $r) { id } }`, { id: target.id, r: `sweep-live-${tag()}` });
        expect(errorCodes(r)).toEqual([]);
      };
      const ownerSaw = (): boolean => owner.subscriptions.some((s) => markersIn(s.answer(), [target.id]).length > 0);
      // Subscriptions register asynchronously: change A until the control has seen a change.
      await new Promise((r) => setTimeout(r, 1_000));
      for (let attempt = 0; attempt < 10 && !ownerSaw(); attempt++) {
        await changeA();
        const until = Date.now() + 3_000;
        while (!ownerSaw() && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ownerSaw()).toBe(true);
      // One more change now that everything is surely registered, and a window for it to (not) arrive.
      await changeA();
      await new Promise((r) => setTimeout(r, 2_000));

      for (const { persona, real, unknown } of opened) {
        const byOp = new Map<string, SweptSubscription>(real.subscriptions.map((s) => [s.call.operation, s]));
        for (const op of subscriptionOps) {
          const sub = byOp.get(op.name)!;
          const answer = sub.answer();
          calls += 1;
          findings.push(...judge(persona, op, answer, `${persona.key}: ${sub.call.label}`));
          if (sub.live.received.length) findings.push(`${persona.key}: ${sub.call.label}: received ${sub.live.received.length} update(s) of A`);
          if (!sub.live.errors.length && sub.live.completed) findings.push(`${persona.key}: ${sub.call.label}: completed without a refusal`);
          const control = unknown?.subscriptions.find((s) => s.call.operation === op.name);
          if (control) {
            const other = control.answer();
            findings.push(...judge(persona, op, other, `${persona.key}: ${control.call.label}`));
            const seen = (a: typeof answer): string => `${outcomeOf(a, op.name)} ${[...new Set(errorCodes(a))].sort().join(',')}`;
            if (seen(answer) !== seen(other)) findings.push(`${persona.key}: ${op.name} (subscription) tells A's ids from unknown ones (${seen(answer)} vs ${seen(other)})`);
          }
        }
      }
    } finally {
      await owner.close();
      for (const { real, unknown } of opened) {
        await real.close();
        await unknown?.close();
      }
    }
    process.stderr.write(`[security sweep] subscriptions over graphql-ws: ${PERSONAS.length} personas × ${subscriptionOps.map((o) => o.name).join(', ')}\n`);
    if (findings.length) throw new Error(`${findings.length} findings on subscriptions:\n- ${findings.join('\n- ')}`);
  });

});
