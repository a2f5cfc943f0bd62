import type { StatusView } from './services/status-page.service';
import { statusPage } from './status-page.html';

const VIEW: StatusView = {
  reference: 'SP01-2025-000001', branchName: '<script>alert("x")</script>花园', stage: '已处理待回访', hint: '请确认处理结果。',
  promised: { label: '预计回访', text: '2025年3月7日 周五 18:00' }, handler: '王师傅', awaitingConfirmation: true, answered: null,
};

describe('the status page\'s HTML', () => {
  it('escapes every value and has no script', () => {
    const html = statusPage(VIEW, { responsePath: '/s/abc.def/response', notice: null });
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;花园');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('<html lang="zh-CN">');
  });

  it('offers the two answers only while the callback is awaited and not yet answered', () => {
    const form = (v: StatusView, notice: 'CONFIRMED' | 'DISPUTED' | null = null): boolean =>
      statusPage(v, { responsePath: '/s/abc.def/response', notice }).includes('action="/s/abc.def/response"');
    expect(form(VIEW)).toBe(true);
    expect(form({ ...VIEW, awaitingConfirmation: false })).toBe(false);
    expect(form(VIEW, 'DISPUTED')).toBe(false);
    expect(statusPage(VIEW, { responsePath: '/x', notice: 'DISPUTED' })).toContain('已收到您的反馈');
    expect(statusPage(VIEW, { responsePath: '/x', notice: 'CONFIRMED' })).toContain('已收到您的确认');
  });
});
