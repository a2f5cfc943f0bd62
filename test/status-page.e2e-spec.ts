/**
 * The customer status page (issue 15 item 6) in a real browser — Debian's Chromium driven by
 * playwright-core — against the real stack: a submitted complaint's link shows its reference, branch,
 * stage (受理中) and promised time, and nothing internal; an expired link says 链接已过期 (410), an
 * altered one 链接无效 (404), a genuine link naming another tenant's complaint too; on a complaint
 * waiting for its callback the customer clicks 确认, sees the acknowledgement, and the complaint's
 * timeline gets the answer once (a double submit records once). Answers through one link are rate-limited.
 */
import type { Page } from 'playwright-core';
import { TestBrowser, openChromium } from './support/browser';
import { formatCustomerTime } from '../libs/domain/src/notifications/customer-stage.util';
import { signStatusLink, statusLinkExpiry, statusLinkSettings, statusLinkUrl } from '../libs/domain/src/notifications/status-link.util';
import { RESPONSES_PER_LINK } from '../apps/gateway/src/status-page/status-page.route';
import { Group, SUBMIT, complaintInput, provisionGroup } from './support/fixtures';
import { Stack, eventually } from './support/stack';


const CREATE_USER = `mutation($n: String!, $r: [RoleAssignmentInput!]!) { createUser(name: $n, roles: $r) { id } }`;
const DISPATCH = `mutation($id: ID!, $to: ID!) { dispatchComplaint(id: $id, assigneeId: $to, note: "请今天联系业主 — internal note") { id status } }`;
const ACK = `mutation($id: ID!) { acknowledgeComplaint(id: $id) { id status } }`;
const RESOLVE = `mutation($id: ID!) { resolveComplaint(id: $id, resolution: "更换电梯主板 — replaced the lift's board", customerSigned: true) { id status } }`;
const TIMELINE = `query($id: ID!) { complaint(id: $id) { status timeline { type actor data } } }`;

/** The same token with the character at `i` replaced by another of the base64url alphabet. */
function flip(token: string, i: number): string {
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

describe('the customer status page', () => {
  let stack: Stack;
  let g: Group;
  let base: string;
  let secret: string;
  let timezone: string;
  let handlerToken: string;
  let received: { id: string; reference: string; deadlines: { kind: string; dueAt: string }[] };
  let awaiting: { id: string; reference: string };
  let foreignComplaintId: string;
  const link = (complaintId: string, expiresAt = statusLinkExpiry(new Date()), tenantId = g.tenantId): string =>
    statusLinkUrl(base, signStatusLink(secret, { tenantId, complaintId, expiresAt }));

  beforeAll(async () => {
    stack = await Stack.start('status-page');
    base = stack.url.replace(/\/graphql$/, '');
    // The gateway's own settings: STATUS_LINK_SECRET if the environment has one, else derived from its JWT secret.
    secret = statusLinkSettings(process.env, { jwtSecret: stack.jwtSecret }).secret as string;
    g = await provisionGroup(stack, 'Status Page Group', 'pm-branch', 'SP01');
    const other = await provisionGroup(stack, 'Other Group', 'pm-branch', 'SQ01');
    timezone = (await stack.db.query('SELECT timezone FROM branches WHERE id = $1', [g.branchId]))[0].timezone;
    // A handler with a Chinese full name: the customer may see 王师傅, never 王建国.
    const handler = (await stack.ok(CREATE_USER, { n: '王建国', r: [{ role: 'HANDLER', branchId: g.branchId }] }, g.tokens.headOffice)).createUser.id;
    handlerToken = stack.token(handler, g.tenantId);

    received = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'status-received') }, g.tokens.dispatcher)).submitComplaint;
    awaiting = (await stack.ok(SUBMIT, { input: complaintInput(g.branchId, 'status-awaiting') }, g.tokens.dispatcher)).submitComplaint;
    await stack.ok(DISPATCH, { id: awaiting.id, to: handler }, g.tokens.dispatcher);
    await stack.ok(ACK, { id: awaiting.id }, handlerToken);
    expect((await stack.ok(RESOLVE, { id: awaiting.id }, handlerToken)).resolveComplaint.status).toBe('CALLBACK_PENDING');
    foreignComplaintId = (await stack.ok(SUBMIT, { input: complaintInput(other.branchId, 'status-foreign') }, other.tokens.dispatcher)).submitComplaint.id;
  });
  afterAll(() => stack?.stop());

  describe('in the browser', () => {
    let browser: TestBrowser;
    let page: Page;

    beforeAll(async () => {
      browser = await openChromium('status-page', { locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true });
      page = browser.page;
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('shows a submitted complaint\'s reference, branch, stage and promised time — and nothing internal', async () => {
      const res = await page.goto(link(received.id));
      expect(res?.status()).toBe(200);
      const headers = res!.headers();
      expect(headers['content-security-policy']).toContain("default-src 'none'");
      expect(headers['content-security-policy']).toContain("style-src 'unsafe-inline'");
      expect(headers['content-security-policy']).toContain("form-action 'self'");
      expect(headers['referrer-policy']).toBe('no-referrer');
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['cache-control']).toBe('no-store');
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');

      expect(await page.getByTestId('reference').textContent()).toBe(received.reference);
      expect(await page.getByTestId('branch').textContent()).toBe('Riverside Estate');
      expect(await page.getByTestId('stage').textContent()).toBe('受理中');
      const resolution = received.deadlines.find((d) => d.kind === 'RESOLUTION')!;
      expect(await page.getByTestId('promised').textContent()).toBe(formatCustomerTime(new Date(resolution.dueAt), timezone));
      await page.getByText('预计处理完成时间').waitFor();
      // Not waiting for a callback: no buttons.
      expect(await page.getByRole('button').count()).toBe(0);

      const text = await page.locator('body').innerText();
      for (const internal of ['电梯三天没修好', 'Repair it this week', '13800138000', '张女士', 'Dispatcher Li', '一般', 'GENERAL', 'severity', '严重']) {
        expect(text).not.toContain(internal);
      }
      // Readable on a phone: nothing wider than the screen.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    });

    it('refuses an expired link with 链接已过期 (410)', async () => {
      const res = await page.goto(link(received.id, new Date(Date.now() - 60_000)));
      expect(res?.status()).toBe(410);
      await page.getByRole('heading', { name: '链接已过期' }).waitFor();
      expect(await page.locator('body').innerText()).not.toContain(received.reference);
      expect(res!.headers()['cache-control']).toBe('no-store');
    });

    it('refuses an altered link with 链接无效 (404): a flipped character in the payload or in the MAC', async () => {
      const good = link(received.id);
      const at = good.indexOf('/s/') + 3;
      for (const i of [at + 20, good.length - 1]) {
        const res = await page.goto(flip(good, i));
        expect(res?.status()).toBe(404);
        await page.getByRole('heading', { name: '链接无效' }).waitFor();
        expect(await page.locator('body').innerText()).not.toContain(received.reference);
      }
    });

    it('answers a genuine link that names another tenant\'s complaint exactly like an altered one', async () => {
      const res = await page.goto(link(foreignComplaintId));
      expect(res?.status()).toBe(404);
      await page.getByRole('heading', { name: '链接无效' }).waitFor();
    });

    it('on a complaint waiting for its callback, the customer clicks 确认, sees the acknowledgement, and the timeline gets it once', async () => {
      const url = link(awaiting.id);
      await page.goto(url);
      expect(await page.getByTestId('stage').textContent()).toBe('已处理待回访');
      expect(await page.getByTestId('handler').textContent()).toBe('王师傅');
      await page.getByText('预计回访时间').waitFor();
      const text = await page.locator('body').innerText();
      for (const internal of ['王建国', 'internal note', '更换电梯主板']) expect(text).not.toContain(internal);

      await page.getByLabel('补充说明').fill('电梯已经正常了，谢谢');
      await Promise.all([page.waitForURL(/\?done=CONFIRMED$/), page.getByRole('button', { name: /确认/ }).click()]);
      await page.getByTestId('notice').filter({ hasText: '已收到您的确认' }).waitFor();
      expect(await page.getByRole('button').count()).toBe(0);

      // A double submit of the same answer through the same link: accepted, recorded once.
      const again = await fetch(`${url}/response`, {
        method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ response: 'CONFIRMED', comment: '电梯已经正常了，谢谢' }).toString(),
      });
      expect(again.status).toBe(303);

      type Event = { type: string; actor: string | null; data: { comment?: string } };
      const confirmed = await eventually(async () => {
        const events: Event[] = (await stack.ok(TIMELINE, { id: awaiting.id }, g.tokens.headOffice)).complaint.timeline;
        const found = events.filter((e) => e.type === 'CUSTOMER_CONFIRMED');
        return found.length > 0 ? { found, events } : undefined;
      }, 30_000);
      expect(confirmed.found).toHaveLength(1);
      expect(confirmed.found[0].data.comment).toBe('电梯已经正常了，谢谢');
      // Give a duplicate time to land, then check again: still one.
      await new Promise((r) => setTimeout(r, 1500));
      const after: Event[] = (await stack.ok(TIMELINE, { id: awaiting.id }, g.tokens.headOffice)).complaint.timeline;
      expect(after.filter((e) => e.type === 'CUSTOMER_CONFIRMED' || e.type === 'CUSTOMER_DISPUTED')).toHaveLength(1);

      // Opened again later (no redirect marker): the answer on the timeline, not the buttons.
      await page.goto(url);
      await page.getByTestId('notice').filter({ hasText: '已收到您的确认' }).waitFor();
      expect(await page.getByRole('button').count()).toBe(0);
    });
  });

  describe('answers over plain HTTP', () => {
    const post = (url: string, form: Record<string, string>): Promise<Response> => fetch(`${url}/response`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString(),
    });

    it('refuses an answer through an altered or expired link, and a malformed answer', async () => {
      const good = link(awaiting.id);
      expect((await post(flip(good, good.length - 5), { response: 'CONFIRMED' })).status).toBe(404);
      expect((await post(link(awaiting.id, new Date(Date.now() - 1000)), { response: 'CONFIRMED' })).status).toBe(410);
      const bad = await post(good, { response: 'SATISFIED' });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('提交内容有误');
      expect((await post(good, { response: 'DISPUTED', comment: '长'.repeat(201) })).status).toBe(400);
    });

    it('limits answers through one link (before reading anything): the rest are 429', async () => {
      const url = link(received.id);
      // Not waiting for a callback: each answer is refused (409) until the link's budget is spent.
      for (let i = 0; i < RESPONSES_PER_LINK; i++) expect((await post(url, { response: 'CONFIRMED' })).status).toBe(409);
      const limited = await post(url, { response: 'CONFIRMED' });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.text()).toContain('操作过于频繁');
      // Another link is not affected.
      expect((await post(link(awaiting.id), { response: 'SATISFIED' })).status).toBe(400);
    });
  });
});
