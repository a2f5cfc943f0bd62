/**
 * Message templates per tenant, through the API on a real database: the Chinese defaults until the
 * head office saves its own, versions that count up (one per save, consecutive under concurrent
 * saves, one for a retried request), refusals that name the field and the unknown variable, the
 * head office alone may save, another group never sees them, and the worker's read inside a tenant
 * transaction (row-level security applies) finds the same current version.
 */
import { DataSource } from 'typeorm';
import { createDataSource } from '../libs/persistence/src/data-source';
import { currentTemplate } from '../libs/persistence/src/message-template.repository';
import { tenantTransaction } from '../libs/persistence/src/tenant-transaction';
import { Group, provisionGroup } from './support/fixtures';
import { Stack } from './support/stack';

const FIELDS = 'kind version isDefault subject body variables createdAt';
const SET = `mutation($k: MessageKind!, $s: String, $b: String!, $r: String) {
  setMessageTemplate(kind: $k, subject: $s, body: $b, requestId: $r) { ${FIELDS} } }`;
const LIST = `query { messageTemplates { ${FIELDS} } }`;
const VARIABLES = `query { messageTemplateVariables { name description } }`;
const VARIABLE_LIST = 'reference, branch, dueAt, handler, statusLink, stage';

interface Template { kind: string; version: number; isDefault: boolean; subject: string | null; body: string; variables: string[]; createdAt: string | null }

describe('message templates', () => {
  let stack: Stack;
  let g: Group;
  let other: Group;
  let appDb: DataSource;

  const list = async (token: string): Promise<Record<string, Template>> =>
    Object.fromEntries((await stack.ok<{ messageTemplates: Template[] }>(LIST, {}, token)).messageTemplates.map((t) => [t.kind, t]));
  const set = async (vars: Record<string, unknown>, token = g.tokens.headOffice): Promise<Template> =>
    (await stack.ok<{ setMessageTemplate: Template }>(SET, vars, token)).setMessageTemplate;
  const storedVersions = async (tenantId: string, kind: string): Promise<number[]> =>
    (await stack.db.query(`SELECT version FROM message_templates WHERE tenant_id = $1 AND kind = $2 ORDER BY version`, [tenantId, kind]))
      .map((r: { version: number }) => r.version);

  beforeAll(async () => {
    stack = await Stack.start('message_templates', { worker: 'none' });
    g = await provisionGroup(stack, 'Template Group', 'pm-branch', 'MT01');
    other = await provisionGroup(stack, 'Other Group', 'pm-branch', 'MT02');
    // As the worker connects: the application role, row-level security on.
    appDb = await createDataSource(stack.appDatabaseUrl).initialize();
  }, 300_000);

  afterAll(async () => {
    await appDb?.destroy();
    await stack?.stop();
  });

  it('starts with the Chinese default of every kind, version 0', async () => {
    const t = await list(g.tokens.headOffice);
    expect(Object.keys(t).sort()).toEqual(['ACKNOWLEDGEMENT', 'CALLBACK_APPOINTMENT', 'PROGRESS', 'RESULT']);
    for (const kind of Object.keys(t)) expect(t[kind]).toMatchObject({ version: 0, isDefault: true, createdAt: null });
    expect(t.ACKNOWLEDGEMENT.body).toBe('您好，您的投诉已受理，编号 {{reference}}（{{branch}}）。我们将于 {{dueAt}} 前答复您。查看进度：{{statusLink}}');
    expect(t.ACKNOWLEDGEMENT.variables).toEqual(['reference', 'branch', 'dueAt', 'statusLink']);
  });

  it('lists the variables with a Chinese description each', async () => {
    const vars = (await stack.ok<{ messageTemplateVariables: { name: string; description: string }[] }>(VARIABLES, {}, g.tokens.dispatcher)).messageTemplateVariables;
    expect(vars.map((v) => v.name)).toEqual(VARIABLE_LIST.split(', '));
    for (const v of vars) expect(v.description).toMatch(/\p{Script=Han}{2}/u);
  });

  it('saves version 1, then 2; the newest is current, other kinds keep their default', async () => {
    const v1 = await set({ k: 'ACKNOWLEDGEMENT', s: '受理通知 {{ reference }}', b: '{{branch}}已收到您的投诉，编号 {{reference}}，{{dueAt}} 前答复。' });
    expect(v1).toMatchObject({ kind: 'ACKNOWLEDGEMENT', version: 1, isDefault: false, subject: '受理通知 {{ reference }}', variables: ['reference', 'branch', 'dueAt'] });
    expect(new Date(v1.createdAt as string).getTime()).toBeGreaterThan(Date.now() - 60_000);
    const v2 = await set({ k: 'ACKNOWLEDGEMENT', s: null, b: '已受理，编号 {{reference}}。进度：{{statusLink}}' });
    expect(v2).toMatchObject({ version: 2, subject: null, body: '已受理，编号 {{reference}}。进度：{{statusLink}}' });
    const t = await list(g.tokens.dispatcher);
    expect(t.ACKNOWLEDGEMENT).toMatchObject({ version: 2, isDefault: false, body: v2.body });
    expect(t.PROGRESS).toMatchObject({ version: 0, isDefault: true });
    // Versions are kept, never overwritten (messages record the version they used).
    expect(await storedVersions(g.tenantId, 'ACKNOWLEDGEMENT')).toEqual([1, 2]);
  });

  it('refuses an unknown variable, naming the field and the variable, and saves nothing', async () => {
    const r = await stack.gql(SET, { k: 'ACKNOWLEDGEMENT', b: '尊敬的{{customer}}，您的投诉 {{reference}} 已受理' }, g.tokens.headOffice);
    expect(r.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].extensions.fields).toEqual([
      { field: 'body', message: `body uses {{customer}}, which is not a template variable (${VARIABLE_LIST})` },
    ]);
    expect(r.errors?.[0].message).toContain('{{customer}}');
    expect((await list(g.tokens.headOffice)).ACKNOWLEDGEMENT.version).toBe(2);
  });

  it('refuses an unclosed brace in the subject, a body over 500 characters, naming each field', async () => {
    const r = await stack.gql(SET, { k: 'RESULT', s: '处理结果 {{reference', b: '回'.repeat(501) }, g.tokens.headOffice);
    expect(r.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0].extensions.fields?.map((f) => f.field)).toEqual(['subject', 'body']);
    expect(r.errors?.[0].extensions.fields?.[1].message).toMatch(/501 characters; at most 500/);
    expect(await storedVersions(g.tenantId, 'RESULT')).toEqual([]);
  });

  it('refuses a dispatcher (FORBIDDEN) and saves nothing', async () => {
    const r = await stack.gql(SET, { k: 'PROGRESS', b: '编号 {{reference}} 处理中' }, g.tokens.dispatcher);
    expect(r.errors?.[0].extensions.code).toBe('FORBIDDEN');
    expect(r.errors?.[0].message).toBe('only the head office sets the group\'s message templates');
    expect(await storedVersions(g.tenantId, 'PROGRESS')).toEqual([]);
  });

  it('lets staff read the templates, not a handler nor the platform operator', async () => {
    expect(Object.keys(await list(g.tokens.branchManager))).toHaveLength(4);
    for (const token of [g.tokens.handler, stack.platformToken()]) {
      for (const query of [LIST, VARIABLES]) expect((await stack.gql(query, {}, token)).errors?.[0].extensions.code).toBe('FORBIDDEN');
    }
  });

  it('saves once when the same request is sent twice', async () => {
    const vars = { k: 'PROGRESS', s: '进展', b: '您的投诉 {{reference}} 目前{{stage}}，由{{handler}}跟进。', r: 'progress-edit-1' };
    const [a, b] = await Promise.all([set(vars), set(vars)]);
    expect([a.version, b.version]).toEqual([1, 1]);
    expect((await set(vars)).version).toBe(1);
    expect(await storedVersions(g.tenantId, 'PROGRESS')).toEqual([1]);
  });

  it('gives concurrent saves consecutive versions', async () => {
    const saved = await Promise.all([1, 2, 3, 4].map((n) => set({ k: 'CALLBACK_APPOINTMENT', b: `第${n}版：{{branch}}将于 {{dueAt}} 回访（{{reference}}）` })));
    expect(saved.map((s) => s.version).sort()).toEqual([1, 2, 3, 4]);
    expect(await storedVersions(g.tenantId, 'CALLBACK_APPOINTMENT')).toEqual([1, 2, 3, 4]);
    const newest = saved.find((s) => s.version === 4) as Template;
    expect((await list(g.tokens.headOffice)).CALLBACK_APPOINTMENT.body).toBe(newest.body);
  });

  it('another group sees its own defaults, not this group\'s templates', async () => {
    const t = await list(other.tokens.headOffice);
    for (const kind of Object.keys(t)) expect(t[kind]).toMatchObject({ version: 0, isDefault: true });
    // Its first save is its own version 1, whatever the other group has saved.
    expect((await set({ k: 'ACKNOWLEDGEMENT', b: '已受理 {{reference}}' }, other.tokens.headOffice)).version).toBe(1);
    expect((await list(g.tokens.headOffice)).ACKNOWLEDGEMENT.version).toBe(2);
  });

  it('the worker\'s read in a tenant transaction finds the current version, and only its tenant\'s', async () => {
    const mine = await tenantTransaction(appDb, g.tenantId, (m) => currentTemplate(m, g.tenantId, 'ACKNOWLEDGEMENT'));
    expect(mine).toMatchObject({ version: 2, isDefault: false, body: '已受理，编号 {{reference}}。进度：{{statusLink}}' });
    const untouched = await tenantTransaction(appDb, other.tenantId, (m) => currentTemplate(m, other.tenantId, 'RESULT'));
    expect(untouched).toMatchObject({ version: 0, isDefault: true });
    // A manager opened for one tenant refuses to read another's.
    await expect(tenantTransaction(appDb, other.tenantId, (m) => currentTemplate(m, g.tenantId, 'ACKNOWLEDGEMENT'))).rejects.toThrow(/another tenant/);
  });
});
