import type { StatusView } from './services/status-page.service';

/**
 * The status page's HTML: server-rendered, no script, a little inline CSS, readable on a phone.
 * Every value is escaped; the page shows only what StatusView holds.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1f2329;font:16px/1.6 -apple-system,BlinkMacSystemFont,"PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
main{max-width:480px;margin:0 auto;padding:20px 16px 32px}
h1{font-size:20px;margin:8px 0 16px}
.card{background:#fff;border-radius:12px;padding:16px;box-shadow:0 1px 3px rgba(0,0,0,.08);margin-bottom:16px}
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:8px 16px}
dt{color:#646a73}
dd{margin:0;font-weight:500;word-break:break-all}
.stage{color:#1456f0;font-weight:600}
.hint{margin:12px 0 0;color:#646a73;font-size:15px}
.notice{background:#e8f7ee;color:#1a7f43;border-radius:8px;padding:12px;margin:0 0 16px}
label{display:block;color:#646a73;margin-bottom:6px}
textarea{width:100%;font:inherit;padding:8px;border:1px solid #d0d3d6;border-radius:8px;resize:vertical}
.actions{display:flex;gap:12px;margin-top:12px}
button{flex:1;font:inherit;font-weight:600;padding:12px;border-radius:8px;border:1px solid #1456f0;background:#1456f0;color:#fff}
button.secondary{background:#fff;color:#1456f0}
.muted{color:#8f959e;font-size:13px;text-align:center}
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** What the customer has just sent, shown once after the redirect. */
export type ResponseNotice = 'CONFIRMED' | 'DISPUTED';

const NOTICES: Record<ResponseNotice, string> = {
  CONFIRMED: '已收到您的确认，感谢您的支持！',
  DISPUTED: '已收到您的反馈，我们会尽快与您联系并继续处理。',
};

/** The status of one complaint, with the confirm/dispute form while it awaits its callback. */
export function statusPage(view: StatusView, opts: { responsePath: string; notice: ResponseNotice | null }): string {
  const rows: [string, string, string][] = [
    ['投诉编号', view.reference, 'reference'],
    ['所在项目', view.branchName, 'branch'],
    ['当前阶段', view.stage, 'stage'],
  ];
  if (view.promised) rows.push([`${view.promised.label}时间`, view.promised.text, 'promised']);
  if (view.handler) rows.push(['负责人', view.handler, 'handler']);
  const list = rows
    .map(([dt, dd, id]) => `<dt>${escapeHtml(dt)}</dt><dd data-testid="${id}"${id === 'stage' ? ' class="stage"' : ''}>${escapeHtml(dd)}</dd>`)
    .join('\n');
  const notice = opts.notice ? `<p class="notice" role="status" data-testid="notice">${escapeHtml(NOTICES[opts.notice])}</p>` : '';
  const form = view.awaitingConfirmation && !opts.notice
    ? `<form class="card" method="post" action="${escapeHtml(opts.responsePath)}" data-testid="response-form">
<p style="margin-top:0">问题是否已经解决？请告诉我们您的意见。</p>
<label for="comment">补充说明（选填，200字以内）</label>
<textarea id="comment" name="comment" maxlength="200" rows="3"></textarea>
<div class="actions">
<button type="submit" name="response" value="CONFIRMED">确认已解决</button>
<button type="submit" name="response" value="DISPUTED" class="secondary">仍有问题</button>
</div>
</form>`
    : '';
  return layout(`投诉进度 ${view.reference}`, `<h1>投诉进度</h1>
${notice}<section class="card">
<dl>
${list}
</dl>
<p class="hint">${escapeHtml(view.hint)}</p>
</section>
${form}
<p class="muted">本页面仅供投诉人查看，请勿转发。</p>`);
}

/** A page that says something went wrong, and what the customer can do. */
export function messagePage(title: string, message: string): string {
  return layout(title, `<section class="card" data-testid="message">
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
</section>`);
}

export const EXPIRED_PAGE = messagePage('链接已过期', '此查询链接已过期。如需了解投诉进度，请联系物业服务中心。');
export const INVALID_PAGE = messagePage('链接无效', '此查询链接无效，请检查链接是否完整，或联系物业服务中心。');
export const RATE_LIMITED_PAGE = messagePage('操作过于频繁', '您的提交次数过多，请稍后再试。');
export const UNAVAILABLE_PAGE = messagePage('暂时无法访问', '系统繁忙，请稍后再试。');
export const NOT_AWAITING_PAGE = messagePage('当前无需确认', '您的投诉目前不在待确认阶段，无需提交。如有问题，请联系物业服务中心。');
export const BAD_REQUEST_PAGE = messagePage('提交内容有误', '请选择“确认已解决”或“仍有问题”，补充说明不超过200字。');
export const ERROR_PAGE = messagePage('出错了', '页面暂时无法显示，请稍后再试。');
