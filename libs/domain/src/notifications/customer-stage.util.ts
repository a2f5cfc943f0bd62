import type { ComplaintStatus, DeadlineKind } from '../enums';

/**
 * What the complainant is told about their complaint (status page, messages): the stage in plain
 * Chinese, the next time we promised, and at most the handler's first name. Nothing internal.
 */

const STAGES: Record<ComplaintStatus, { stage: string; hint: string }> = {
  RECEIVED: { stage: '受理中', hint: '我们已收到您的投诉，正在安排专人处理。' },
  DISPATCHED: { stage: '处理中', hint: '您的投诉已交由负责人员处理。' },
  IN_PROGRESS: { stage: '处理中', hint: '负责人员正在处理您的投诉。' },
  RESOLVED: { stage: '已处理待回访', hint: '您的投诉已处理完毕，我们将回访听取您的意见。' },
  CALLBACK_PENDING: { stage: '已处理待回访', hint: '您的投诉已处理完毕，请确认处理结果，或告诉我们仍未解决的问题。' },
  // Analysis is the company's own work after the customer's part is done.
  ANALYSIS_PENDING: { stage: '已办结', hint: '您的投诉已办结，感谢您的反馈。' },
  CLOSED: { stage: '已办结', hint: '您的投诉已办结，感谢您的反馈。' },
  WITHDRAWN: { stage: '已撤回', hint: '您的投诉已撤回。如仍有问题，欢迎随时联系我们。' },
  // Merged with another complaint about the same matter; which one is not the customer's to see.
  MERGED: { stage: '已合并处理', hint: '您反映的问题与同一事项一并处理。' },
};

/** The complaint's stage in plain Chinese, as the customer sees it (受理中, 处理中, 已处理待回访, 已办结, 已撤回, 已合并处理). */
export function customerStage(status: ComplaintStatus): string {
  const s = STAGES[status];
  if (!s) throw new Error(`unknown complaint status ${JSON.stringify(status)}`);
  return s.stage;
}

/** One sentence telling the customer what the stage means for them. */
export function customerStageHint(status: ComplaintStatus): string {
  const s = STAGES[status];
  if (!s) throw new Error(`unknown complaint status ${JSON.stringify(status)}`);
  return s.hint;
}

/** A deadline as the read model stores it (the fields this needs). */
export interface CustomerDeadline {
  kind: DeadlineKind;
  dueAt: string;
  metAt: string | null;
  cancelledAt?: string | null;
}

export interface PromisedTime {
  kind: 'RESOLUTION' | 'CALLBACK';
  /** What is promised, in Chinese (预计处理完成 / 预计回访). */
  label: string;
  dueAt: Date;
}

const BEFORE_RESOLUTION: ReadonlySet<ComplaintStatus> = new Set(['RECEIVED', 'DISPATCHED', 'IN_PROGRESS']);
const AWAITING_CALLBACK: ReadonlySet<ComplaintStatus> = new Set(['RESOLVED', 'CALLBACK_PENDING']);

/**
 * The next time promised to the customer: the earliest open RESOLUTION deadline until the complaint
 * is resolved, then the earliest open CALLBACK deadline; none once closed, withdrawn or merged.
 * An open deadline already past is still the promise (the page does not hide a missed one).
 */
export function nextPromisedTime(status: ComplaintStatus, deadlines: readonly CustomerDeadline[]): PromisedTime | null {
  const kind = BEFORE_RESOLUTION.has(status) ? 'RESOLUTION' : AWAITING_CALLBACK.has(status) ? 'CALLBACK' : null;
  if (!kind) return null;
  const open = deadlines
    .filter((d) => d.kind === kind && !d.metAt && !d.cancelledAt)
    .map((d) => new Date(d.dueAt))
    .filter((d) => !Number.isNaN(d.getTime()))
    .sort((a, b) => a.getTime() - b.getTime());
  if (open.length === 0) return null;
  return { kind, label: kind === 'RESOLUTION' ? '预计处理完成' : '预计回访', dueAt: open[0] };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** An instant as the customer reads it, in the branch's time zone: `2025年3月7日 周五 18:00`. */
export function formatCustomerTime(at: Date, timeZone: string): string {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('zh-CN', {
      timeZone, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}年${p.month}月${p.day}日 ${p.weekday} ${p.hour}:${p.minute}`;
}

// Two-character surnames (复姓) common enough to meet at a front desk.
const COMPOUND_SURNAMES = ['欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '令狐', '夏侯', '长孙', '宇文', '司徒', '端木', '独孤', '南宫', '西门'];
const HAN_NAME = /^[\u3400-\u9fff]{2,6}$/;

/**
 * How a staff member is named to the customer: never the full name. A Chinese name becomes the
 * surname with 师傅 (张伟 → 张师傅, 欧阳明 → 欧阳师傅); a Latin-script name its first word
 * ("Wang Fang" → "Wang"); anything else, or no name, is not shown (null).
 */
export function customerFacingName(fullName: string | null | undefined): string | null {
  const name = (fullName ?? '').trim();
  if (name === '') return null;
  if (HAN_NAME.test(name)) {
    const compound = name.length >= 3 ? COMPOUND_SURNAMES.find((s) => name.startsWith(s)) : undefined;
    return `${compound ?? name[0]}师傅`;
  }
  const first = name.split(/\s+/)[0];
  return /^[A-Za-z][A-Za-z'-]{0,29}$/.test(first) ? first : null;
}
