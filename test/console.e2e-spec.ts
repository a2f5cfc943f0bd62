/**
 * The head-office console (issue 12) in a real browser — Debian's Chromium driven by playwright-core —
 * against the real stack's gateway serving the production build at /console: a head office signs in
 * by pasting a token, reads the quarterly escalation review (the chart by branch and the list), opens
 * a complaint's timeline, switches to English (kept after a reload), downloads the review as .xlsx and
 * reads it back (sheet 1 the complaints, sheet 2 the definitions in Chinese and English); a branch
 * manager signs in and sees their queue. Then the export route over plain HTTP: no token 401, another
 * tenant's branch 404, a bad period 400 naming the field.
 */
import * as ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { TestBrowser, openChromium } from './support/browser';
import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack, eventually } from './support/stack';


const RECLASSIFY = `mutation($id: ID!, $s: Severity, $reason: String!, $r: String) { reclassify(id: $id, severity: $s, reason: $reason, requestId: $r) { id severity } }`;
const DISPATCH = `mutation($id: ID!, $to: ID!, $r: String) { dispatchComplaint(id: $id, assigneeId: $to, note: "Please call the owners today", requestId: $r) { id status } }`;
const ESCALATIONS = `query($id: ID!) { complaint(id: $id) { escalations { id level } } }`;
const REVIEW = `query($q: String!) { quarterlyEscalationReview(quarter: $q) { items { complaint { id } } } }`;

/** The quarter a moment falls in, in Asia/Shanghai (the tenant's reporting zone here). */
function quarterOf(at: Date): string {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(at).split('-').map(Number);
  return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
}

describe('the head-office console', () => {
  let stack: Stack;
  let g: Group;
  let other: Group;
  let base: string;
  let quarter: string;
  const complaints: Record<'hot' | 'major', { id: string; reference: string }> = {} as never;

  beforeAll(async () => {
    stack = await Stack.start('console');
    base = stack.url.replace(/\/graphql$/, '');
    g = await provisionGroup(stack, 'Console Group', 'pm-branch', 'CN01');
    other = await provisionGroup(stack, 'Other Group', 'pm-branch', 'OT01');
    quarter = quarterOf(new Date());
    // MAJOR by its facts (five households: pm-branch's collective rule), escalated to the company GM and head office.
    const major = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'console-major', { householdsAffected: 5, description: '五户业主地下室进水 — water in five basements' }) }, g.tokens.dispatcher)).submitComplaint;
    // HOT by the head office's judgement, escalated to the branch manager; dispatched to the branch manager (their queue).
    const hot = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'console-hot') }, g.tokens.dispatcher)).submitComplaint;
    await stack.ok(RECLASSIFY, { id: hot.id, s: 'HOT', reason: '业主在论坛发帖 — posted on the owners\' forum', r: 'hot-1' }, g.tokens.headOffice);
    await stack.ok(DISPATCH, { id: hot.id, to: g.branchManager, r: 'dispatch-1' }, g.tokens.dispatcher);
    complaints.major = { id: major.id, reference: major.reference };
    complaints.hot = { id: hot.id, reference: hot.reference };
    expect(major.severity).toBe('MAJOR');
    // The escalation is raised, and the reporting facts written, by the worker: wait for both.
    await eventually(async () => ((await stack.ok(ESCALATIONS, { id: hot.id }, g.tokens.headOffice)).complaint.escalations.length > 0 ? true : undefined));
    await eventually(async () => {
      const ids = (await stack.ok(REVIEW, { q: quarter }, g.tokens.headOffice)).quarterlyEscalationReview.items.map((i: { complaint: { id: string } }) => i.complaint.id);
      return ids.includes(hot.id) && ids.includes(major.id) ? true : undefined;
    });
  });
  afterAll(() => stack?.stop());

  describe('in the browser', () => {
    let browser: TestBrowser;
    let page: Page;

    beforeAll(async () => {
      browser = await openChromium('console', { acceptDownloads: true, locale: 'zh-CN', viewport: { width: 1400, height: 1000 } });
      page = browser.page;
    });
    afterAll(async () => {
      await browser?.close();
    });

    const signIn = async (token: string): Promise<void> => {
      await page.goto(`${base}/console/`);
      await page.getByTestId('token').fill(token);
      await page.getByTestId('sign-in').click();
      await page.getByTestId('who').waitFor();
    };

    it('a head office signs in with a pasted token, sees the quarterly review\'s chart and list, downloads it, and opens a complaint', async () => {
      await page.goto(`${base}/console/`);
      // Chinese by default; no identity provider configured, so no organisation sign-in button.
      await page.getByRole('heading', { name: '登录' }).waitFor();
      expect(await page.getByTestId('sign-in-organisation').count()).toBe(0);
      await signIn(g.tokens.headOffice);

      await page.goto(`${base}/console/review?quarter=${quarter}`);
      await page.getByRole('heading', { name: '季度升级复盘' }).waitFor();
      const list = page.getByTestId('review-list');
      const majorRow = list.getByRole('row').filter({ hasText: complaints.major.reference });
      const hotRow = list.getByRole('row').filter({ hasText: complaints.hot.reference });
      await majorRow.waitFor();
      await hotRow.waitFor();
      await expectText(majorRow, '重大');
      await expectText(hotRow, '热点');
      await expectText(hotRow, 'CN01');
      // The chart by branch: ECharts' SVG names the branch on its axis.
      await page.getByTestId('chart-by-branch').locator('svg text', { hasText: 'CN01' }).first().waitFor();

      // The language switch: a Chinese label becomes English, and stays so after a reload.
      await page.getByTestId('language').click();
      await page.getByRole('heading', { name: 'Quarterly escalation review' }).waitFor();
      await page.reload();
      await page.getByRole('heading', { name: 'Quarterly escalation review' }).waitFor();
      await page.getByTestId('review-list').getByRole('row').filter({ hasText: complaints.major.reference }).waitFor();

      // Download the review as .xlsx and read it back.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download').click()]);
      expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
      const file = await download.path();
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(file);
      const [report, definitions] = wb.worksheets;
      const cells = (ws: ExcelJS.Worksheet): string[] => {
        const out: string[] = [];
        ws.eachRow((row) => row.eachCell((c) => out.push(String(c.text))));
        return out;
      };
      expect(cells(report)).toEqual(expect.arrayContaining([complaints.major.reference, complaints.hot.reference, '编号', 'Reference']));
      expect(definitions.name).toBe('定义 Definitions');
      expect(cells(definitions)).toEqual(expect.arrayContaining(['处理率', 'Processing rate', '满意率', 'Satisfaction rate']));

      // A complaint's page: its timeline, deadlines and escalations.
      await page.getByRole('link', { name: complaints.hot.reference }).click();
      await page.getByTestId('complaint-reference').filter({ hasText: complaints.hot.reference }).waitFor();
      const timeline = page.getByTestId('timeline');
      await timeline.locator('li[data-type="RECEIVED"]').waitFor();
      await timeline.locator('li[data-type="DISPATCHED"]').waitFor();
      await page.getByTestId('escalations').getByRole('row').filter({ hasText: 'BRANCH_MANAGER' }).first().waitFor();
      await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    });

    it('the monthly rates (with the six-month trend), the branch ranking and the overdue list open for the head office', async () => {
      await page.getByRole('link', { name: 'Monthly rates' }).click();
      await page.getByTestId('monthly-figures').waitFor();
      await page.getByTestId('chart-trend').locator('svg').first().waitFor();
      await page.getByTestId('monthly-branches').getByRole('row').filter({ hasText: 'CN01' }).first().waitFor();
      await page.getByRole('link', { name: 'Branch ranking' }).click();
      await page.getByTestId('ranking').getByRole('row').filter({ hasText: 'CN01' }).first().waitFor();
      await page.getByRole('link', { name: 'Overdue' }).click();
      await page.getByRole('heading', { name: 'Overdue complaints' }).waitFor();
      await page.getByText(/No overdue complaints|Reference/).first().waitFor();
    });

    it('a branch manager signs in (with the token in the URL, as npm start prints it) and sees their queue', async () => {
      await page.getByRole('button', { name: /Sign out|退出/ }).click();
      await page.getByTestId('token').waitFor();
      await page.goto(`${base}/console/#token=${g.tokens.branchManager}`);
      await page.getByTestId('who').filter({ hasText: 'Manager Chen' }).waitFor();
      // The token left the address bar once kept.
      expect(page.url()).not.toContain('token=');
      await page.getByRole('link', { name: /My queue|我的待办/ }).click();
      await page.getByTestId('queue-list').getByRole('link', { name: complaints.hot.reference }).waitFor();
      expect(await page.getByTestId('queue-list').getByText(complaints.major.reference).count()).toBe(0);
    });
  });

  describe('the organisation sign-in', () => {
    it('is offered only by a gateway that trusts the group\'s identity provider', async () => {
      const issuer = 'https://sso.console-group.example.com';
      const url = await stack.extraGateway({
        identityProviders: [{ issuer, jwksUrl: `${issuer}/.well-known/jwks.json`, audience: 'complaint-platform', tenantId: g.tenantId }],
      });
      const sso = await openChromium('console-sso');
      try {
        const { page } = sso;
        await page.goto(url.replace(/\/graphql$/, '/console/'));
        const button = page.getByTestId('sign-in-organisation');
        await button.waitFor();
        expect(await button.innerText()).toBe('使用集团账号登录');
        expect(await button.getAttribute('data-issuer')).toBe(issuer);
        // The development sign-in stays beside it (this gateway also has JWT_SECRET).
        await page.getByTestId('token').waitFor();
      } finally {
        await sso.close();
      }
    });
  });

  describe('the export route, over HTTP', () => {
    const get = (pathAndQuery: string, token?: string): Promise<Response> =>
      fetch(`${base}${pathAndQuery}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const errorOf = async (res: Response): Promise<{ code: string; message: string; fields?: { field: string; message: string }[] }> =>
      ((await res.json()) as { error: { code: string; message: string; fields?: { field: string; message: string }[] } }).error;

    it('needs a token: 401', async () => {
      const res = await get(`/console/export/escalation-review.xlsx?quarter=${quarter}`);
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe('UNAUTHENTICATED');
    });

    it('another tenant\'s branch is NOT_FOUND: 404', async () => {
      const res = await get(`/console/export/overdue.xlsx?branchId=${other.branchId}`, g.tokens.headOffice);
      expect(res.status).toBe(404);
      expect((await errorOf(res)).code).toBe('NOT_FOUND');
    });

    it('a bad period is 400 naming the field; so is a missing one', async () => {
      const bad = await get('/console/export/ranking.xlsx?period=2026-13', g.tokens.headOffice);
      expect(bad.status).toBe(400);
      expect(await errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [expect.objectContaining({ field: 'period' })] });
      const missing = await get('/console/export/monthly.xlsx', g.tokens.headOffice);
      expect(missing.status).toBe(400);
      expect(await errorOf(missing)).toMatchObject({ code: 'BAD_USER_INPUT', fields: [expect.objectContaining({ field: 'month' })] });
    });

    it('a branch manager\'s export holds their branch only', async () => {
      const res = await get(`/console/export/escalation-review.xlsx?quarter=${quarter}`, g.tokens.otherBranchManager);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('spreadsheetml');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as never);
      const text: string[] = [];
      wb.worksheets[0].eachRow((row) => row.eachCell((c) => text.push(String(c.text))));
      expect(text).not.toContain(complaints.major.reference);
    });

    it('serves the console: index.html revalidated, hashed assets cached, any console path the app, a missing asset 404', async () => {
      const index = await get('/console/review');
      expect(index.status).toBe(200);
      expect(index.headers.get('cache-control')).toBe('no-cache');
      const html = await index.text();
      const asset = /\/console\/assets\/[^"]+\.js/.exec(html)?.[0];
      expect(asset).toBeDefined();
      const js = await get(asset as string);
      expect(js.status).toBe(200);
      expect(js.headers.get('cache-control')).toContain('immutable');
      // Sent compressed to a browser that accepts it (fetch asks for gzip/br and decodes).
      expect(['br', 'gzip']).toContain(js.headers.get('content-encoding'));
      expect((await get('/console/assets/index-missing.js')).status).toBe(404);
      expect(await (await get('/console/config.json')).json()).toEqual({ graphqlPath: '/graphql', oidcIssuer: null });
    });
  });
});

async function expectText(locator: import('playwright-core').Locator, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor();
}
