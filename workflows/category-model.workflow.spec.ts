/**
 * The per-tenant category classifier's retraining on a REAL Temporal dev server with the REAL activity
 * reading and writing PostgreSQL as the application role (row-level security applies): a training learns
 * from its own tenant's confirmed complaints only, measures itself on the held-out fifth, writes one
 * version per run (a retried run writes none), keeps the newest ten; the nightly schedule is ensured
 * idempotently.
 */
import { Worker } from '@temporalio/worker';
import { randomBytes, randomUUID } from 'crypto';
import { CategoryModelActivitiesService, categoryModelActivities } from '../apps/worker/src/activities/category-model.activities';
import { ensureCategoryModelSchedule } from '../libs/temporal-client/src/category-model.schedule';
import { TypedSearchAttributes } from '@temporalio/common';
import { CATEGORIES, type Category } from '../libs/domain/src/enums';
import { type CategoryModel, classify, classifierFeatures, isHeldOut } from '../libs/text/src/category-classifier';
import { textAnalyzer } from '../libs/text/src/text-analyzer';
import { insertOrganisation, type SeededOrganisation } from '../test/support/seed-sql';
import { workflowBundlePath } from '../test/support/test-env';
import type { categoryModelWorkflow } from './category-model.workflow';
import { categoryModelWorkflowId, tenantOfWorkflowId } from './shared/ids';
import { categoryModelScheduleId } from './shared/schedules';
import { TENANT_ID_SEARCH_ATTRIBUTE, tenantSearchAttributes } from './shared/search-attributes';
import { ORG, USERS, WorkflowTestBed, createEnv } from './test-support/harness';

let bed: WorkflowTestBed;
let worker: { worker: Worker; running: Promise<void> };
let service: CategoryModelActivitiesService;
let tenantB: SeededOrganisation;
let tenantC: SeededOrganisation;
const taskQueue = `category-model-${randomBytes(5).toString('hex')}`;

// Tenant A's vocabulary per category (the confirmed complaints it learns from).
const A_TEXTS: Partial<Record<Category, string[]>> = {
  PROPERTY_MANAGEMENT: ['3栋电梯又坏了，物业一直不来修', '小区保洁不打扫楼道，垃圾堆了三天', '地下车库停车收费太乱，保安态度差', '物业费收了但绿化没人管'],
  CONSTRUCTION_QUALITY: ['卫生间墙面渗水，楼下天花板漏水', '客厅墙体出现裂缝，地板空鼓', '窗户密封不好，下雨就漏水进屋', '外墙瓷砖脱落，墙面开裂'],
  SALES: ['合同约定的交房日期已经延期两个月', '销售承诺的学位没有兑现，要求退房', '购房合同里的面积和实际不符', '开发商延期交房不给违约金'],
};
// Words only tenant B's complaints use; and one only tenant A's unconfirmed ones use.
const B_ONLY = ['xyzzyq', '麻将馆'];
const A_UNCONFIRMED_ONLY = 'plughzz';

let seq = 0;
/** A complaint row by SQL (as the owner), its id chosen so that it is held out or not, as asked. */
async function complaint(org: Pick<SeededOrganisation, 'tenantId' | 'companyId' | 'branchId'>, user: string, o: {
  category: Category; status: string; description: string; demand?: string | null; location?: string | null; heldOut: boolean;
}): Promise<string> {
  let id = randomUUID();
  while (isHeldOut(id) !== o.heldOut) id = randomUUID();
  seq += 1;
  await bed.db.query(
    `INSERT INTO complaints (id, tenant_id, company_id, branch_id, reference, idempotency_key, workflow_id, channel, kind, category, severity,
       emergency, validity, responsibility, status, round, description, demand, location, households_affected, complainant_name,
       first_contact_owner_id, owner_id, received_at, policy_version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'PHONE', 'COMPLAINT', $8, 'GENERAL', false, 'UNDETERMINED', 'RESPONSIBLE', $9, 1, $10, $11, $12, 1, '业主',
       $13, $13, $14, 1)`,
    [id, org.tenantId, org.companyId, org.branchId, `R-${seq}`, `key-${seq}`, `complaint/${org.tenantId}/${id}`, o.category, o.status,
      o.description, o.demand ?? null, o.location ?? null, user, new Date(Date.now() - seq * 60_000)],
  );
  return id;
}

const models = async (tenantId: string) =>
  (await bed.db.query(
    `SELECT version, run_id, trained_on, held_out, accuracy, per_category, model FROM category_models WHERE tenant_id = $1 ORDER BY version`, [tenantId],
  )) as { version: number; run_id: string; trained_on: number; held_out: number; accuracy: number | null; per_category: Record<string, unknown>; model: CategoryModel }[];

const knows = (model: CategoryModel, feature: string): boolean => CATEGORIES.some((c) => model.logLikelihood[c][feature] !== undefined);

const run = async (tenantId: string, workflowId: string) =>
  (await bed.env.client.workflow.start<typeof categoryModelWorkflow>('categoryModelWorkflow', {
    workflowId, taskQueue, args: [{ tenantId }], typedSearchAttributes: tenantSearchAttributes(tenantId),
  }));

beforeAll(async () => {
  bed = await createEnv('category_model_wf');
  tenantB = await insertOrganisation(bed.db, { users: ['dispatcher'] });
  tenantC = await insertOrganisation(bed.db, { users: ['dispatcher'] });
  // Tenant A: 20 confirmed complaints per category across the confirmed statuses, every fifth held out (60 in all).
  const statuses = ['DISPATCHED', 'IN_PROGRESS', 'RESOLVED', 'CALLBACK_PENDING', 'ANALYSIS_PENDING', 'CLOSED'];
  let n = 0;
  for (const [category, texts] of Object.entries(A_TEXTS) as [Category, string[]][]) {
    for (let i = 0; i < 20; i += 1) {
      await complaint(ORG, USERS.dispatcher, {
        category, status: statuses[n % statuses.length], description: texts[i % texts.length], demand: i % 2 ? '尽快处理' : null,
        location: i % 3 ? `${(i % 9) + 1}栋` : null, heldOut: n % 5 === 0,
      });
      n += 1;
    }
  }
  // Tenant A's unconfirmed complaints (received, withdrawn, merged) teach nothing.
  for (const status of ['RECEIVED', 'WITHDRAWN', 'MERGED']) {
    for (let i = 0; i < 12; i += 1) {
      await complaint(ORG, USERS.dispatcher, { category: 'OTHER', status, description: `${A_UNCONFIRMED_ONLY} 这件事说不清楚`, heldOut: i % 5 === 0 });
    }
  }
  // Tenant B: its own vocabulary, enough confirmed complaints (40, 32 trained on) that its model learns it.
  for (let i = 0; i < 40; i += 1) {
    await complaint(tenantB, tenantB.users.dispatcher, {
      category: i % 2 ? 'OTHER' : 'CUSTOMER_SERVICE', status: 'DISPATCHED', description: `隔壁${B_ONLY[1]}通宵营业 ${B_ONLY[0]}`, heldOut: i % 5 === 0,
    });
  }
  // Tenant C: complaints received but none confirmed yet.
  for (let i = 0; i < 5; i += 1) {
    await complaint(tenantC, tenantC.users.dispatcher, { category: 'SALES', status: 'RECEIVED', description: '合同有问题', heldOut: false });
  }
  service = new CategoryModelActivitiesService(bed.app);
  const w = await Worker.create({
    connection: bed.env.nativeConnection, namespace: 'default', taskQueue, workflowBundle: { codePath: workflowBundlePath() },
    activities: categoryModelActivities(service),
  });
  worker = { worker: w, running: w.run() };
});

afterAll(async () => {
  worker?.worker.shutdown();
  await worker?.running;
  await bed?.teardown();
});

describe('category model workflow', () => {
  it('trains on the tenant\'s own confirmed complaints, measures the held-out fifth, and learns nothing from another tenant', async () => {
    const handle = await run(ORG.tenantId, categoryModelWorkflowId(ORG.tenantId, 'first'));
    const result = await handle.result();
    expect(result).toMatchObject({ version: 1, trainedOn: 48, heldOut: 12 });
    expect(result.accuracy).toEqual(expect.any(Number));
    // The vocabulary of each category is learnt: the held-out complaints are mostly classified right.
    expect(result.accuracy!).toBeGreaterThanOrEqual(0.75);
    expect(result.perCategory.PROPERTY_MANAGEMENT.samples + result.perCategory.CONSTRUCTION_QUALITY.samples + result.perCategory.SALES.samples).toBe(12);
    expect(result.perCategory.OTHER).toEqual({ samples: 0, correct: 0, accuracy: null });

    const [row] = await models(ORG.tenantId);
    expect(row).toMatchObject({ version: 1, run_id: `${handle.workflowId}/${handle.firstExecutionRunId}`, trained_on: 48, held_out: 12, accuracy: result.accuracy });
    expect(row.per_category).toEqual(result.perCategory);
    expect(row.model.trainedOn).toBe(48);
    // What it learnt suggests the category of a new complaint in tenant A's words.
    const analyzer = textAnalyzer();
    expect(classify(row.model, classifierFeatures(analyzer, analyzer.resources.lexicon, '5栋墙面裂缝还在渗水'))[0].category).toBe('CONSTRUCTION_QUALITY');
    // Unconfirmed complaints and tenant B's words are nowhere in A's model.
    expect(knows(row.model, A_UNCONFIRMED_ONLY)).toBe(false);
    for (const w of B_ONLY) expect([w, knows(row.model, w)]).toEqual([w, false]);

    // Tenant B's own training does learn them (so the check above could fail), and A's words stay out of B's.
    const b = await (await run(tenantB.tenantId, categoryModelWorkflowId(tenantB.tenantId, 'first'))).result();
    expect(b).toMatchObject({ version: 1, trainedOn: 32, heldOut: 8 });
    const [rowB] = await models(tenantB.tenantId);
    for (const w of B_ONLY) expect([w, knows(rowB.model, w)]).toEqual([w, true]);
    // A's versions are untouched by B's training.
    expect((await models(ORG.tenantId)).map((m) => m.version)).toEqual([1]);
  });

  it('a run retried with the same runId writes one version and answers its figures', async () => {
    const handle = await run(ORG.tenantId, categoryModelWorkflowId(ORG.tenantId, 'retried'));
    const first = await handle.result();
    const runId = `${handle.workflowId}/${handle.firstExecutionRunId}`;
    const before = await models(ORG.tenantId);
    // The activity again under the same run (as a retry after a lost acknowledgement would): nothing new.
    const again = await service.retrainCategoryModel({ tenantId: ORG.tenantId, runId });
    expect(again).toEqual(first);
    const after = await models(ORG.tenantId);
    expect(after.map((m) => m.version)).toEqual(before.map((m) => m.version));
    expect(after.filter((m) => m.run_id === runId)).toHaveLength(1);
    // Two attempts of one run at once: still one version.
    const both = await Promise.all([1, 2].map(() => service.retrainCategoryModel({ tenantId: ORG.tenantId, runId: 'concurrent/run' })));
    expect(both[0]).toEqual(both[1]);
    expect((await models(ORG.tenantId)).filter((m) => m.run_id === 'concurrent/run')).toHaveLength(1);
  });

  it('a tenant with no confirmed complaints gets the lexicon alone (trained on 0, nothing held out)', async () => {
    const result = await (await run(tenantC.tenantId, categoryModelWorkflowId(tenantC.tenantId, 'first'))).result();
    expect(result).toMatchObject({ version: 1, trainedOn: 0, heldOut: 0, accuracy: null });
    const [row] = await models(tenantC.tenantId);
    expect(row).toMatchObject({ trained_on: 0, held_out: 0, accuracy: null });
    // The lexicon's keywords are what it knows: a property-management complaint gets a suggestion.
    const analyzer = textAnalyzer();
    const someTerm = Object.keys(analyzer.resources.lexicon.PROPERTY_MANAGEMENT)[0];
    expect(knows(row.model, someTerm)).toBe(true);
  });

  it('keeps the newest ten versions of a tenant', async () => {
    for (let i = 0; i < 11; i += 1) await service.retrainCategoryModel({ tenantId: tenantB.tenantId, runId: `keep/${i}` });
    const versions = (await models(tenantB.tenantId)).map((m) => m.version);
    expect(versions).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('names its tenant in each of its id shapes, and nothing in a malformed one', () => {
    const t = ORG.tenantId;
    expect(tenantOfWorkflowId(categoryModelWorkflowId(t))).toBe(t);
    expect(tenantOfWorkflowId(`${categoryModelWorkflowId(t)}-2026-11-30T19:00:00Z`)).toBe(t);
    expect(tenantOfWorkflowId(categoryModelWorkflowId(t, 'a-request-key'))).toBe(t);
    expect(tenantOfWorkflowId(`category-model/${t}/`)).toBeNull();
    expect(tenantOfWorkflowId(`category-model/${t}/a/b`)).toBeNull();
    expect(tenantOfWorkflowId('category-model/-2026-11-30T19:00:00Z')).toBeNull();
  });

  it('the nightly schedule is created once (03:00 Asia/Shanghai, overlap SKIP, the tenant\'s ids), then reported unchanged', async () => {
    const client = bed.env.client;
    const tenantId = tenantC.tenantId;
    try {
      expect(await ensureCategoryModelSchedule(client, { tenantId, taskQueue })).toBe('created');
      expect(await ensureCategoryModelSchedule(client, { tenantId, taskQueue })).toBe('unchanged');
      const d = await client.schedule.getHandle(categoryModelScheduleId(tenantId)).describe();
      expect(d.spec.timezone).toBe('Asia/Shanghai');
      expect(d.spec.calendars).toHaveLength(1);
      expect(d.spec.calendars?.[0]).toMatchObject({ hour: [{ start: 3 }], minute: [{ start: 0 }] });
      expect(d.policies.overlap).toBe('SKIP');
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'categoryModelWorkflow', workflowId: categoryModelWorkflowId(tenantId), taskQueue });
      expect(d.scheduleId).toContain(tenantId);
      const attrs = d.action.type === 'startWorkflow' ? d.action.typedSearchAttributes : undefined;
      expect(attrs instanceof TypedSearchAttributes ? attrs.get(TENANT_ID_SEARCH_ATTRIBUTE) : attrs?.find((a) => a.key.name === TENANT_ID_SEARCH_ATTRIBUTE.name)?.value)
        .toBe(tenantId);
      expect(d.action.type === 'startWorkflow' ? d.action.args : undefined).toEqual([{ tenantId }]);
    } finally {
      await client.schedule.getHandle(categoryModelScheduleId(tenantId)).delete().catch(() => undefined);
    }
  });
});
