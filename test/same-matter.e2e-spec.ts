import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack, eventually } from './support/stack';

const LINK = `mutation($id: ID!, $other: ID!, $r: String) { linkSameMatter(id: $id, otherId: $other, requestId: $r) { id matterId severity } }`;
const MATTER = `query($id: ID!) { matter(id: $id) { id distinctComplainants distinctHouseholds firedRule complaints { id severity status } } }`;
const CANDIDATES = `query($id: ID!, $n: Int) { complaint(id: $id) { id sameMatterCandidates(first: $n) { score reason complaint { id reference } } } }`;
const DAY = 24 * 3600_000;

describe('same-matter complaints', () => {
  let stack: Stack;
  let pm: Group;
  let vanke: Group;
  let training: Group;
  let seq = 0;

  beforeAll(async () => {
    stack = await Stack.start('same_matter');
    pm = await provisionGroup(stack, 'PM Group', 'pm-branch', 'SM01');
    vanke = await provisionGroup(stack, 'Vanke Group', 'vanke-sh', 'SM02');
    training = await provisionGroup(stack, 'Training Group', 'training', 'SM03');
  });
  afterAll(() => stack?.stop());

  /** A complaint about the lift of building 3, from its own household and phone unless told otherwise. */
  const submit = async (g: Group, extra: Record<string, unknown> = {}, branchId = g.branchId): Promise<{ id: string; severity: string }> => {
    seq += 1;
    const input = complaintInput(branchId, `sm-${seq}`, { complainant: { name: `业主${seq}`, phone: `1390000${String(seq).padStart(4, '0')}`, unit: `3-${100 + seq}` }, ...extra });
    return (await stack.ok(SUBMIT, { input }, g.tokens.dispatcher)).submitComplaint;
  };
  const link = async (g: Group, id: string, other: string, r?: string) => (await stack.ok(LINK, { id, other, r }, g.tokens.dispatcher)).linkSameMatter;
  const matter = async (g: Group, id: string) => (await stack.ok(MATTER, { id }, g.tokens.headOffice)).matter;
  /** What the matter's rule signalled to each member (recorded by the fan-out activity). */
  const signalled = async (matterId: string): Promise<Record<string, string | null>> => {
    const rows: { complaint_id: string; signalled_severity: string | null }[] = await stack.db.query(
      `SELECT complaint_id, signalled_severity FROM matter_complaints WHERE matter_id = $1`, [matterId]);
    return Object.fromEntries(rows.map((r) => [r.complaint_id, r.signalled_severity]));
  };
  const severities = async (g: Group, ids: string[]): Promise<string[]> => Promise.all(ids.map(async (id) =>
    (await stack.ok(`query($id: ID!) { complaint(id: $id) { severity } }`, { id }, g.tokens.headOffice)).complaint.severity));

  it('pm-branch: a collective complaint of 5 households upgrades the four running complaints of its matter to MAJOR', async () => {
    const running: { id: string; severity: string }[] = [];
    for (let i = 0; i < 4; i += 1) running.push(await submit(pm));
    for (const c of running.slice(1)) await link(pm, running[0].id, c.id);
    const before = await eventually(async () => {
      const m = await matter(pm, (await link(pm, running[0].id, running[1].id)).matterId);
      return m.distinctHouseholds === 4 ? m : undefined;
    });
    expect(before).toMatchObject({ distinctComplainants: 4, distinctHouseholds: 4, firedRule: null });
    expect(await severities(pm, running.map((c) => c.id))).toEqual(['GENERAL', 'GENERAL', 'GENERAL', 'GENERAL']);

    const collective = await submit(pm, { householdsAffected: 5 });
    const linked = await link(pm, collective.id, running[2].id, 'collective-link');
    expect(linked.matterId).toBe(before.id);
    const fired = await eventually(async () => {
      const m = await matter(pm, before.id);
      return m.firedRule ? m : undefined;
    });
    expect(fired.firedRule).toBe('COLLECTIVE_HOUSEHOLDS>=5');
    expect(fired.distinctHouseholds).toBe(5);
    const all = [...running, collective].map((c) => c.id);
    await eventually(async () => {
      const s = await signalled(before.id);
      return all.every((id) => s[id] === 'MAJOR') ? s : undefined;
    });
    // Every running complaint of the matter shows the upgrade.
    await eventually(async () => ((await severities(pm, all)).every((s) => s === 'MAJOR') ? true : undefined));
  });

  it('vanke-sh: the same five households are not MAJOR (its collective rule is at 10 people)', async () => {
    const cs: { id: string; severity: string }[] = [];
    for (let i = 0; i < 4; i += 1) cs.push(await submit(vanke));
    cs.push(await submit(vanke, { householdsAffected: 5 }));
    for (const c of cs.slice(1)) await link(vanke, cs[0].id, c.id);
    const matterId = (await link(vanke, cs[0].id, cs[1].id)).matterId;
    const m = await eventually(async () => {
      const x = await matter(vanke, matterId);
      return x.distinctHouseholds === 5 && x.firedRule ? x : undefined;
    });
    // Three or more people are HOT under vanke-sh; ten make it MAJOR.
    expect(m.firedRule).toBe('COLLECTIVE_HOUSEHOLDS>=3');
    const s = await eventually(async () => {
      const x = await signalled(matterId);
      return Object.values(x).every((v) => v === 'HOT') && Object.keys(x).length === 5 ? x : undefined;
    });
    expect(Object.values(s)).not.toContain('MAJOR');
    await eventually(async () => ((await severities(vanke, cs.map((c) => c.id))).every((v) => v === 'HOT') ? true : undefined));
    expect(await severities(vanke, cs.map((c) => c.id))).not.toContain('MAJOR');
  });

  it('training: the third complaint on a matter makes all three MAJOR, the same complainant again included', async () => {
    const owner = { name: '李先生', phone: '13911112222', unit: '5-501' };
    const a = await submit(training, { complainant: owner });
    const b = await submit(training, { complainant: owner, receivedAt: new Date(Date.now() - 2 * DAY).toISOString() });
    const first = await link(training, a.id, b.id);
    const m1 = await matter(training, first.matterId);
    expect(m1).toMatchObject({ distinctComplainants: 1, distinctHouseholds: 1, firedRule: null });
    const c = await submit(training, { complainant: { name: '王女士', phone: '13933334444', unit: '5-501' } });
    await link(training, c.id, a.id);
    const m = await eventually(async () => {
      const x = await matter(training, first.matterId);
      return x.firedRule ? x : undefined;
    });
    expect(m.firedRule).toBe('SAME_MATTER_COMPLAINTS>=3');
    expect(m.distinctComplainants).toBe(2);
    await eventually(async () => ((await severities(training, [a.id, b.id, c.id])).every((v) => v === 'MAJOR') ? true : undefined));
  });

  it('ranks candidates by meaning before a shared unit or place, and never shows another branch\'s or another category\'s', async () => {
    const base = Date.now() - 10 * DAY;
    const at = (days: number) => new Date(base + days * DAY).toISOString();
    // A category of their own: the other tests' complaints (all about a lift) are not in this pool.
    const own = { category: 'CONSTRUCTION_QUALITY', demand: null };
    const s = await submit(pm, { ...own, description: '电梯又坏了，按钮按了没反应', complainant: { name: '甲', phone: '13700000001', unit: '7-101' }, location: 'Garden gate', receivedAt: at(5) });
    const inOtherWords = await submit(pm, { ...own, description: '电梯故障停运，按钮没反应，老人上不了楼', complainant: { name: '乙', phone: '13700000002', unit: '9-909' }, location: null, receivedAt: at(3) });
    const sameUnit = await submit(pm, { ...own, description: '楼道灯不亮', complainant: { name: '丙', phone: '13700000003', unit: '7 - 101' }, location: null, receivedAt: at(4.5) });
    const samePlace = await submit(pm, { ...own, description: '门口垃圾没人清', complainant: { name: '戊', phone: '13700000005', unit: '9-101' }, location: 'garden  GATE', receivedAt: at(2) });
    await submit(pm, { ...own, description: '物业费太贵了', complainant: { name: '丁', phone: '13700000004', unit: '8-303' }, location: null, receivedAt: at(5) });
    await submit(pm, { description: '电梯又坏了，按钮按了没反应', complainant: { name: '己', phone: '13700000006', unit: '7-101' }, category: 'CUSTOMER_SERVICE', receivedAt: at(5) });
    const otherBranch = (await stack.ok(SUBMIT, { input: complaintInput(pm.otherBranchId, 'sm-other-branch', { ...own, description: '电梯又坏了，按钮按了没反应', complainant: { name: '辛', phone: '13700000008', unit: '7-101' }, location: 'Garden gate', receivedAt: at(5) }) }, pm.tokens.headOffice)).submitComplaint;

    const list = (await stack.ok(CANDIDATES, { id: s.id, n: 10 }, pm.tokens.headOffice)).complaint.sameMatterCandidates;
    const ids = list.map((x: { complaint: { id: string } }) => x.complaint.id);
    // The unrelated complaint (no shared word, unit or place), the other category and the other branch are not candidates.
    expect([...ids].sort()).toEqual([inOtherWords.id, sameUnit.id, samePlace.id].sort());
    // The same matter in other words ranks above another problem of the same unit.
    expect(ids.indexOf(inOtherWords.id)).toBeLessThan(ids.indexOf(sameUnit.id));
    const reason = (id: string): string => list.find((x: { complaint: { id: string } }) => x.complaint.id === id).reason;
    expect(reason(inOtherWords.id)).toMatch(/^2 days apart, \d+ % similar description$/);
    expect(Number(/(\d+) %/.exec(reason(inOtherWords.id))?.[1])).toBeGreaterThanOrEqual(30);
    expect(reason(sameUnit.id)).toBe('same unit 7 - 101, 12 hours apart, 0 % similar description');
    expect(reason(samePlace.id)).toMatch(/^same place garden {2}GATE, 3 days apart, \d+ % similar description$/);
    for (let i = 1; i < list.length; i += 1) expect(list[i - 1].score).toBeGreaterThanOrEqual(list[i].score);
    expect(ids).not.toContain(otherBranch.id);
    expect((await stack.ok(CANDIDATES, { id: s.id, n: 1 }, pm.tokens.dispatcher)).complaint.sameMatterCandidates).toHaveLength(1);

    // Another branch's manager sees neither the complaint nor, through it, its candidates; a handler sees only their own.
    expect((await stack.gql(CANDIDATES, { id: s.id }, pm.tokens.otherBranchManager)).errors?.[0].extensions.code).toBe('NOT_FOUND');
    const fromOther = (await stack.ok(CANDIDATES, { id: otherBranch.id, n: 10 }, pm.tokens.headOffice)).complaint.sameMatterCandidates;
    expect(fromOther).toEqual([]);
  });

  it('links only what the caller may act on, and the same link again applies once', async () => {
    const a = await submit(pm, { complainant: { name: 'A', phone: '13600000001', unit: '1-1' } });
    const b = await submit(pm, { complainant: { name: 'B', phone: '13600000002', unit: '1-2' } });
    const other = (await stack.ok(SUBMIT, { input: complaintInput(pm.otherBranchId, 'sm-link-other') }, pm.tokens.headOffice)).submitComplaint;
    const service = await submit(pm, { category: 'CUSTOMER_SERVICE' });

    expect((await stack.gql(LINK, { id: a.id, other: other.id }, pm.tokens.dispatcher)).errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await stack.gql(LINK, { id: a.id, other: b.id }, pm.tokens.otherBranchManager)).errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await stack.gql(LINK, { id: a.id, other: other.id }, pm.tokens.headOffice)).errors?.[0].extensions.fields?.[0].field).toBe('otherId');
    expect((await stack.gql(LINK, { id: a.id, other: service.id }, pm.tokens.dispatcher)).errors?.[0].extensions.fields?.[0].field).toBe('otherId');
    expect((await stack.gql(LINK, { id: a.id, other: a.id }, pm.tokens.dispatcher)).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');

    const one = await link(pm, a.id, b.id, 'link-ab');
    const two = await link(pm, a.id, b.id, 'link-ab');
    expect(two.matterId).toBe(one.matterId);
    const m = await matter(pm, one.matterId);
    expect(m.complaints.map((c: { id: string }) => c.id).sort()).toEqual([a.id, b.id].sort());
    expect(m).toMatchObject({ distinctComplainants: 2, distinctHouseholds: 2 });
    const rows = await stack.db.query(`SELECT count(*)::int AS n FROM matter_complaints WHERE matter_id = $1`, [one.matterId]);
    expect(rows[0].n).toBe(2);
    expect((await stack.gql(MATTER, { id: one.matterId }, pm.tokens.otherBranchManager)).errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await stack.gql(MATTER, { id: one.matterId }, vanke.tokens.headOffice)).errors?.[0].extensions.code).toBe('NOT_FOUND');

    // Two matters linked become one: the older survives with every complaint.
    const c = await submit(pm, { complainant: { name: 'C', phone: '13600000003', unit: '1-3' } });
    const d = await submit(pm, { complainant: { name: 'D', phone: '13600000004', unit: '1-4' } });
    const cd = await link(pm, c.id, d.id);
    expect(cd.matterId).not.toBe(one.matterId);
    const merged = await link(pm, d.id, b.id);
    expect(merged.matterId).toBe(one.matterId);
    const all = await matter(pm, cd.matterId);
    expect(all.id).toBe(one.matterId);
    expect(all.complaints).toHaveLength(4);
    expect(all.distinctHouseholds).toBe(4);
  });
});
