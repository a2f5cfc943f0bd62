import { Client, Connection } from '@temporalio/client';
import { categoryModelScheduleId, weeklyReviewScheduleId } from '../workflows/shared/schedules';
import { Group, provisionGroup } from './support/fixtures';
import { GqlResponse, Stack } from './support/stack';
import { temporalAddress } from './support/test-env';

// The tenant's category classifier through the real stack: provisioning makes its nightly schedule;
// head office retrains it on demand (the same requestId runs once), head office and company managers
// read its figures, nobody else does, and another tenant sees nothing of it.

const INFO = `version trainedAt trainedOn heldOut accuracy perCategory { category samples correct accuracy }`;
const READ = `query { categoryModel { ${INFO} } }`;
const RETRAIN = `mutation($r: String) { retrainCategoryModel(requestId: $r) { ${INFO} } }`;
const codes = (r: GqlResponse): string[] => (r.errors ?? []).map((e) => e.extensions.code);

describe('category model over the API', () => {
  let stack: Stack;
  let g: Group;
  let other: Group;
  let companyManager: string;
  let connection: Connection;
  let client: Client;

  beforeAll(async () => {
    stack = await Stack.start('category_model');
    connection = await Connection.connect({ address: temporalAddress() });
    client = new Client({ connection, namespace: 'default' });
    g = await provisionGroup(stack, 'Category Model Group', 'pm-branch', 'CM01');
    other = await provisionGroup(stack, 'Other Group', 'pm-branch', 'CX01');
    const id = (await stack.ok(`mutation($r: [RoleAssignmentInput!]!) { createUser(name: "Company Manager Sun", roles: $r) { id } }`,
      { r: [{ role: 'COMPANY_MANAGER', companyId: g.companyId }] }, g.tokens.headOffice)).createUser.id;
    companyManager = stack.token(id, g.tenantId);
  });

  afterAll(async () => {
    for (const grp of [g, other]) {
      if (!grp) continue;
      for (const s of [categoryModelScheduleId(grp.tenantId), weeklyReviewScheduleId(grp.tenantId)]) await client?.schedule.getHandle(s).delete().catch(() => undefined);
    }
    await connection?.close();
    await stack?.stop();
  });

  it('provisioning a tenant makes its nightly training schedule', async () => {
    const d = await client.schedule.getHandle(categoryModelScheduleId(g.tenantId)).describe();
    expect(d.spec.timezone).toBe('Asia/Shanghai');
    expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 3 }], minute: [{ start: 0 }] });
    expect(d.policies.overlap).toBe('SKIP');
    expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'categoryModelWorkflow', taskQueue: stack.taskQueue });
  });

  it('is null before the first training; head office retrains, once per requestId; company managers read; others are refused', async () => {
    expect((await stack.ok(READ, {}, g.tokens.headOffice)).categoryModel).toBeNull();
    const first = (await stack.ok(RETRAIN, { r: 'retrain-1' }, g.tokens.headOffice)).retrainCategoryModel;
    // No confirmed complaints yet: the keyword lexicon alone, nothing held out.
    expect(first).toMatchObject({ version: 1, trainedOn: 0, heldOut: 0, accuracy: null });
    expect(first.perCategory.map((c: { category: string }) => c.category)).toEqual(['CONSTRUCTION_QUALITY', 'PLANNING_DESIGN', 'SALES', 'PROPERTY_MANAGEMENT', 'CUSTOMER_SERVICE', 'OTHER']);
    // The same requestId: the same training's answer, no second version.
    expect((await stack.ok(RETRAIN, { r: 'retrain-1' }, g.tokens.headOffice)).retrainCategoryModel).toEqual(first);
    const second = (await stack.ok(RETRAIN, { r: 'retrain-2' }, g.tokens.headOffice)).retrainCategoryModel;
    expect(second.version).toBe(2);
    expect((await stack.ok(READ, {}, companyManager)).categoryModel).toEqual(second);
    expect((await stack.ok(READ, {}, g.tokens.headOffice)).categoryModel.version).toBe(2);
    for (const token of [g.tokens.dispatcher, g.tokens.branchManager, g.tokens.handler]) expect(codes(await stack.gql(READ, {}, token))).toEqual(['FORBIDDEN']);
    for (const token of [companyManager, g.tokens.dispatcher]) expect(codes(await stack.gql(RETRAIN, { r: 'not-mine' }, token))).toEqual(['FORBIDDEN']);
    // Another tenant's head office sees none of it; its own first training is its version 1.
    expect((await stack.ok(READ, {}, other.tokens.headOffice)).categoryModel).toBeNull();
    expect((await stack.ok(RETRAIN, { r: 'retrain-1' }, other.tokens.headOffice)).retrainCategoryModel.version).toBe(1);
  });

  it('refuses a malformed requestId, and answers UNAVAILABLE when Temporal is unreachable', async () => {
    expect(codes(await stack.gql(RETRAIN, { r: 'has spaces' }, g.tokens.headOffice))).toEqual(['BAD_USER_INPUT']);
    const url = await stack.extraGateway({ temporalAddress: '127.0.0.1:1' });
    expect(codes(await stack.gql(RETRAIN, { r: 'retrain-down' }, g.tokens.headOffice, url))).toEqual(['UNAVAILABLE']);
    // Reads need no Temporal.
    expect((await stack.gql(READ, {}, g.tokens.headOffice, url)).data?.categoryModel.version).toBe(2);
  });
});
