import * as jwt from 'jsonwebtoken';
import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { GqlResponse, Stack } from './support/stack';

// Issue 7: every input is bounded at the edge, and every refusal names its field.
describe('input bounds', () => {
  let stack: Stack;
  let g: Group;

  beforeAll(async () => {
    stack = await Stack.start('input-bounds');
    g = await provisionGroup(stack, 'Bounds Group', 'pm-branch', 'IB01');
  });
  afterAll(() => stack?.stop());

  const rows = async (key: string): Promise<number> =>
    (await stack.db.query(`SELECT count(*)::int AS n FROM complaints WHERE idempotency_key = $1`, [key]))[0].n;

  /** Every error is BAD_USER_INPUT naming at least one field, one of them `field`; nothing was answered. */
  const refused = (r: GqlResponse, field: string): void => {
    for (const v of Object.values(r.data ?? {})) expect(v).toBeNull();
    expect(r.errors?.length).toBeGreaterThan(0);
    for (const e of r.errors!) {
      expect(e.extensions.code).toBe('BAD_USER_INPUT');
      expect(e.extensions.fields?.length).toBeGreaterThan(0);
      for (const f of e.extensions.fields!) expect(f.message.length).toBeGreaterThan(0);
    }
    expect(fieldsOf(r)).toContain(field);
  };
  const fieldsOf = (r: GqlResponse): string[] => (r.errors ?? []).flatMap((e) => (e.extensions.fields ?? []).map((f) => f.field));
  const messageOf = (r: GqlResponse, field: string): string =>
    (r.errors ?? []).flatMap((e) => e.extensions.fields ?? []).find((f) => f.field === field)?.message ?? '';

  const withField = (input: Record<string, unknown>, path: string, value: string): Record<string, unknown> => {
    const [head, tail] = path.split('.');
    return tail ? { ...input, [head]: { ...(input[head] as object), [tail]: value } } : { ...input, [head]: value };
  };

  const POISONS: [string, (s: string) => string][] = [
    ['NUL', (s) => `${s}\u0000`],
    ['a lone surrogate', (s) => `${s}\ud800`],
    ['an ANSI escape', (s) => `\u001b[31m${s}\u001b[0m`],
    ['a right-to-left override', (s) => `\u202e${s}`],
  ];
  const FIELDS = ['description', 'demand', 'location', 'complainant.name', 'complainant.unit', 'idempotencyKey'];

  describe.each(POISONS)('%s', (label, poison) => {
    it.each(FIELDS)(`in input.%s is BAD_USER_INPUT naming it, and writes no row`, async (field) => {
      const key = `poison-${label.replace(/\W/g, '')}-${field}`;
      const base = complaintInput(g.branchId, key);
      const original = field.split('.').reduce<any>((o, k) => o[k], base) as string;
      const r = await stack.gql(SUBMIT, { input: withField(base, field, poison(original)) }, g.tokens.dispatcher);
      refused(r, `input.${field}`);
      expect(await rows(key)).toBe(0);
    });
  });

  it('refuses a whitespace-only name, wherever a name is given', async () => {
    const key = 'blank-name';
    refused(await stack.gql(SUBMIT, { input: complaintInput(g.branchId, key, { complainant: { name: ' \u3000\t ' } }) }, g.tokens.dispatcher), 'input.complainant.name');
    expect(await rows(key)).toBe(0);
    refused(await stack.gql(`mutation($n: String!) { createCompany(name: $n) { id } }`, { n: '   ' }, g.tokens.headOffice), 'name');
    refused(await stack.gql(`mutation($n: String!) { createCompany(name: $n) { id } }`, { n: 'Evil \u202eoC' }, g.tokens.headOffice), 'name');
    refused(await stack.gql(`mutation($n: String!) { createCompany(name: $n) { id } }`, { n: 'Two\nlines' }, g.tokens.headOffice), 'name');
    const companies = await stack.db.query(`SELECT name FROM companies WHERE tenant_id = $1`, [g.tenantId]);
    expect(companies.map((c: { name: string }) => c.name)).toEqual(['Property Services Co.']);
  });

  it.each(['-271821-04-20T00:00:00Z', '0001-01-01', '2026-02-30', '2026-02-30T10:00:00+08:00', '+275760-09-13T00:00:00Z'])(
    'refuses receivedAt %s naming input.receivedAt',
    async (receivedAt) => {
      const key = `date-${receivedAt}`;
      const r = await stack.gql(SUBMIT, { input: complaintInput(g.branchId, key, { receivedAt }) }, g.tokens.dispatcher);
      refused(r, 'input.receivedAt');
      expect(messageOf(r, 'input.receivedAt')).toMatch(/^receivedAt /);
      expect(await rows(key)).toBe(0);
    },
  );

  it('refuses a non-existent date written inline in the query too', async () => {
    const r = await stack.gql(
      `mutation { submitComplaint(input: { idempotencyKey: "inline-date", branchId: "${g.branchId}", channel: PHONE, kind: COMPLAINT,
        category: PROPERTY_MANAGEMENT, description: "x", complainant: { name: "Li" }, receivedAt: "2026-02-30" }) { id } }`,
      {},
      g.tokens.dispatcher,
    );
    refused(r, 'input.receivedAt');
    expect(await rows('inline-date')).toBe(0);
  });

  it('stores Chinese text and emoji intact, and counts characters rather than bytes', async () => {
    const description = `${'业主反映电梯故障'.repeat(12)}维修😀🙏`.slice(0, 98) + '😡🙏';
    expect([...description].length).toBe(100);
    const c = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'chinese-100', { description }) }, g.tokens.dispatcher)).submitComplaint;
    expect(c.description).toBe(description);
    const stored = await stack.db.query(`SELECT description FROM complaints WHERE id = $1`, [c.id]);
    expect(stored[0].description).toBe(description);

    const max = '投'.repeat(4999) + '😀'; // 5000 characters, 5001 UTF-16 units, 15001 bytes
    expect((await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'chinese-5000', { description: max }) }, g.tokens.dispatcher)).submitComplaint.description).toBe(max);
    const over = await stack.gql(SUBMIT, { input: complaintInput(g.branchId, 'chinese-5001', { description: '投'.repeat(5001) }) }, g.tokens.dispatcher);
    refused(over, 'input.description');
    expect(messageOf(over, 'input.description')).toMatch(/5000 characters/);
    expect(await rows('chinese-5001')).toBe(0);
  });

  it('refuses 2,000 roles in one createUser, naming roles', async () => {
    const roles = Array.from({ length: 2000 }, () => ({ role: 'HANDLER', branchId: g.branchId }));
    const r = await stack.gql(`mutation($r: [RoleAssignmentInput!]!) { createUser(name: "Many Hats", roles: $r) { id } }`, { r: roles }, g.tokens.headOffice);
    refused(r, 'roles');
    expect(await stack.db.query(`SELECT id FROM users WHERE name = 'Many Hats'`)).toHaveLength(0);
  });

  it('refuses a non-UUID id as BAD_USER_INPUT naming it, not UNAVAILABLE', async () => {
    refused(await stack.gql(`query { complaint(id: "not-a-uuid") { id } }`, {}, g.tokens.dispatcher), 'id');
    refused(await stack.gql(`mutation($id: ID!) { acknowledgeComplaint(id: $id) { id } }`, { id: "1' OR '1'='1" }, g.tokens.handler), 'id');
    refused(
      await stack.gql(`mutation($b: ID!, $c: BranchCalendarInput!) { setBranchCalendar(branchId: $b, calendar: $c) { id } }`,
        { b: 'branch-1', c: { timezone: 'Asia/Shanghai', workingHours: [{ weekday: 1, start: '09:00', end: '18:00' }] } }, g.tokens.headOffice),
      'branchId',
    );
  });

  it('refuses tokens with a non-UUID subject or tenant, without exp, or living too long', async () => {
    const query = `query { me { id } }`;
    const sign = (claims: object, opts: jwt.SignOptions = { expiresIn: '1h' }): string =>
      jwt.sign(claims, stack.jwtSecret, { algorithm: 'HS256', issuer: 'complaint-platform', ...opts });
    for (const token of [
      sign({ sub: 'not-a-uuid', tid: g.tenantId }),
      sign({ sub: g.dispatcher, tid: 'tenant-1' }),
      sign({ sub: g.dispatcher, tid: g.tenantId }, {}),
      sign({ sub: g.dispatcher, tid: g.tenantId }, { expiresIn: '400d' }),
    ]) {
      const r = await stack.gql(query, {}, token);
      expect(r.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    expect((await stack.ok(query, {}, sign({ sub: g.dispatcher, tid: g.tenantId }))).me.id).toBe(g.dispatcher);
  });

  it("names the field of GraphQL's own coercion and validation errors", async () => {
    const badEnum = await stack.gql(SUBMIT, { input: { ...complaintInput(g.branchId, 'enum-1'), kind: 'RANT' } }, g.tokens.dispatcher);
    refused(badEnum, 'input.kind');
    const missingNested = await stack.gql(SUBMIT, { input: { ...complaintInput(g.branchId, 'missing-1'), complainant: {} } }, g.tokens.dispatcher);
    refused(missingNested, 'input.complainant.name');
    const wrongType = await stack.gql(`query($f: Int) { complaints(first: $f) { totalCount } }`, { f: 'ten' }, g.tokens.dispatcher);
    refused(wrongType, 'f');
    const literal = await stack.gql(`mutation { submitComplaint(input: { idempotencyKey: "x", kind: RANT }) { id } }`, {}, g.tokens.dispatcher);
    refused(literal, 'input.kind');
    expect(fieldsOf(literal)).toEqual(expect.arrayContaining(['input.kind', 'input.branchId', 'input.description']));
    const missingArg = await stack.gql(`query { complaint { id } }`, {}, g.tokens.dispatcher);
    refused(missingArg, 'id');
    const outOfRange = await stack.gql(`query { weeklyReviews(last: 0) { weekStart } }`, {}, g.tokens.headOffice);
    refused(outOfRange, 'last');
    expect(await rows('enum-1')).toBe(0);
    expect(await rows('missing-1')).toBe(0);
  });

  it("keeps a second tenant's intake working afterwards", async () => {
    const other = await provisionGroup(stack, 'Second Group', 'pm-branch', 'IB02');
    const c = (await stack.ok(SUBMIT, { input: complaintInput(other.branchId, 'second-tenant') }, other.tokens.dispatcher)).submitComplaint;
    expect(c.reference).toMatch(/^IB02-\d{4}-000001$/);
    expect(c.complainant.name).toBe('张女士');
  });
});
