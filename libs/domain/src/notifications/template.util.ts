import { instantToZoned } from '../calendar/zoned-time.util';

// Messages to complainants (件件有回音: every customer hears back): the kinds of message, the variables
// a tenant's template may use, how a template is checked when it is saved and rendered when it is
// sent, and the Chinese defaults every tenant starts with. Pure: the caller passes every value in.

/** The messages a complainant receives, each with its own template. */
export const MESSAGE_KINDS = ['ACKNOWLEDGEMENT', 'PROGRESS', 'RESULT', 'CALLBACK_APPOINTMENT'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** The variables a template may use, each with the description staff read when they edit one. */
export const TEMPLATE_VARIABLES = {
  reference: '投诉编号，例如 GZ01-20261130-0001',
  branch: '受理的管理处（项目）名称',
  dueAt: '下一个承诺时间（管理处当地时间，例如 11月30日 18:00）',
  handler: '跟进人的称呼：只用名字（如“伟明”），无法区分姓名时用“姓 + 师傅”（如“张师傅”），从不显示全名',
  statusLink: '客户查看处理进度的链接（无需登录，有效期有限）',
  stage: '当前处理阶段（中文，例如“处理中”“已处理待回访”）',
} as const;
export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;
export const TEMPLATE_VARIABLE_NAMES = Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[];

/** A message template: the subject (e-mail subject, WeChat first line; SMS has none) and the body. */
export interface MessageTemplateText {
  subject: string | null;
  body: string;
}

/** The values of a message's variables; a missing one renders as nothing. */
export type TemplateValues = Partial<Record<TemplateVariable, string | null | undefined>>;

/** One problem of a template, naming the field it is in. */
export interface TemplateIssue {
  field: 'body' | 'subject';
  message: string;
}

/**
 * The longest body, in characters: an SMS of 70 Chinese characters is one part, and carriers join at
 * most about seven parts (each 67 characters); 500 keeps a rendered message within what is delivered whole.
 */
export const MAX_TEMPLATE_BODY = 500;
/** The longest subject, in characters (an e-mail subject line, WeChat's first line). */
export const MAX_TEMPLATE_SUBJECT = 100;

const OPEN = '{{';
const CLOSE = '}}';
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const isVariable = (name: string): name is TemplateVariable => Object.prototype.hasOwnProperty.call(TEMPLATE_VARIABLES, name);
const variableList = TEMPLATE_VARIABLE_NAMES.join(', ');
// Characters, not UTF-16 units: a rare character outside the BMP counts once, as a carrier counts it.
const charCount = (s: string): number => [...s].length;

type Segment = { text: string } | { variable: string } | { unclosed: number } | { malformed: string };

/** Splits a template into literal text and `{{ name }}` placeholders (whitespace inside the braces allowed). */
function segments(template: string): Segment[] {
  const out: Segment[] = [];
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf(OPEN, at);
    if (open < 0) {
      out.push({ text: template.slice(at) });
      break;
    }
    if (open > at) out.push({ text: template.slice(at, open) });
    const close = template.indexOf(CLOSE, open + OPEN.length);
    if (close < 0) {
      out.push({ unclosed: open });
      break;
    }
    const inner = template.slice(open + OPEN.length, close).trim();
    out.push(NAME.test(inner) ? { variable: inner } : { malformed: template.slice(open, close + CLOSE.length) });
    at = close + CLOSE.length;
  }
  return out;
}

/** The variable names a template uses, in order of first use (known or not). */
export function templateVariablesUsed(template: string): string[] {
  const names = segments(template).flatMap((s) => ('variable' in s ? [s.variable] : []));
  return [...new Set(names)];
}

/** The variables a template uses that are not template variables (empty when every one is known). */
export function validateTemplate(template: string): string[] {
  return templateVariablesUsed(template).filter((name) => !isVariable(name));
}

function placeholderIssues(field: TemplateIssue['field'], template: string): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  for (const s of segments(template)) {
    if ('unclosed' in s) {
      issues.push({ field, message: `${field} has a {{ at character ${charCount(template.slice(0, s.unclosed)) + 1} that is never closed with }}` });
    } else if ('malformed' in s) {
      issues.push({ field, message: `${field} uses ${s.malformed}, which is not a variable: write {{name}} with one of ${variableList}` });
    }
  }
  for (const name of validateTemplate(template)) {
    issues.push({ field, message: `${field} uses {{${name}}}, which is not a template variable (${variableList})` });
  }
  return issues;
}

/**
 * Everything wrong with a template, each naming its field: an unknown variable (named), a `{{` never
 * closed, a placeholder that is not a name, an empty body, a body over 500 or a subject over 100
 * characters, a blank subject. Empty when the template can be saved. A null subject means "no subject".
 */
export function templateIssues(subject: string | null | undefined, body: string): TemplateIssue[] {
  const issues: TemplateIssue[] = [];
  if (subject != null && subject.trim() === '') issues.push({ field: 'subject', message: 'subject must not be blank: leave it out for no subject' });
  if (subject != null && subject.trim() !== '') {
    if (charCount(subject) > MAX_TEMPLATE_SUBJECT) {
      issues.push({ field: 'subject', message: `subject is ${charCount(subject)} characters; at most ${MAX_TEMPLATE_SUBJECT}` });
    }
    if (/[\r\n]/.test(subject)) issues.push({ field: 'subject', message: 'subject must be one line' });
    issues.push(...placeholderIssues('subject', subject));
  }
  if (body.trim() === '') {
    issues.push({ field: 'body', message: 'body must not be empty' });
    return issues;
  }
  if (charCount(body) > MAX_TEMPLATE_BODY) {
    issues.push({ field: 'body', message: `body is ${charCount(body)} characters; at most ${MAX_TEMPLATE_BODY} (an SMS is sent in parts of 67)` });
  }
  issues.push(...placeholderIssues('body', body));
  return issues;
}

function renderText(template: string, values: TemplateValues): string {
  return segments(template).map((s) => {
    if ('text' in s) return s.text;
    if ('variable' in s) {
      const v = isVariable(s.variable) ? values[s.variable] : undefined;
      // A missing value renders as nothing, never as "undefined" or "null".
      return typeof v === 'string' ? v : '';
    }
    // A saved template has no broken placeholder; an old or default one is shown as written.
    return 'malformed' in s ? s.malformed : template.slice(s.unclosed);
  }).join('');
}

/**
 * A template with its variables filled in: a text gives a text, a template (subject and body) gives
 * the subject (null when it has none) and the body. A variable without a value renders as nothing.
 */
export function renderTemplate(template: string, values: TemplateValues): string;
export function renderTemplate(template: MessageTemplateText, values: TemplateValues): MessageTemplateText;
export function renderTemplate(template: string | MessageTemplateText, values: TemplateValues): string | MessageTemplateText {
  if (typeof template === 'string') return renderText(template, values);
  const subject = template.subject == null || template.subject.trim() === '' ? null : renderText(template.subject, values);
  return { subject, body: renderText(template.body, values) };
}

/** What every tenant sends until its head office saves its own (version 0 of each kind). */
export const DEFAULT_TEMPLATES: Readonly<Record<MessageKind, MessageTemplateText>> = {
  ACKNOWLEDGEMENT: {
    subject: '您的投诉已受理（编号 {{reference}}）',
    body: '您好，您的投诉已受理，编号 {{reference}}（{{branch}}）。我们将于 {{dueAt}} 前答复您。查看进度：{{statusLink}}',
  },
  PROGRESS: {
    subject: '投诉处理进展（编号 {{reference}}）',
    body: '您好，您的投诉（编号 {{reference}}）目前{{stage}}，由{{handler}}跟进。我们将于 {{dueAt}} 前再向您反馈。查看进度：{{statusLink}}',
  },
  RESULT: {
    subject: '投诉处理结果（编号 {{reference}}）',
    body: '您好，您的投诉（编号 {{reference}}）已由{{branch}}处理完毕。我们将于 {{dueAt}} 前回访，您也可通过链接确认处理结果或提出异议：{{statusLink}}',
  },
  CALLBACK_APPOINTMENT: {
    subject: '回访预约（编号 {{reference}}）',
    body: '您好，关于您的投诉（编号 {{reference}}），{{branch}}将于 {{dueAt}} 与您联系回访，了解您对处理结果是否满意。查看详情：{{statusLink}}',
  },
};

// Two-character surnames (复姓) in use today; any other name's surname is its first character.
const COMPOUND_SURNAMES = new Set([
  '欧阳', '司马', '上官', '诸葛', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '轩辕', '令狐',
  '钟离', '端木', '独孤', '南宫', '西门', '闻人', '澹台', '呼延', '申屠', '太史', '公羊', '赫连', '百里', '东郭', '万俟',
]);
const HAN = /^\p{Script=Han}+$/u;

/**
 * What a message calls the handler (the `handler` variable): never the full name. A Chinese name
 * whose surname leaves a two-character given name gives that given name (张伟明 → 伟明, 欧阳明远 → 明远);
 * otherwise it cannot be split safely (a one-character given name alone reads oddly, 张伟 → 张师傅; an
 * unknown four-character name) and gives the surname + 师傅 (the courteous form for service staff;
 * NOT the given name + 工). A name in Latin letters of two or more words gives the first word (how
 * such staff sign: "Wei Zhang" → "Wei"); one word gives that word + 师傅. Empty: empty.
 */
export function firstName(fullName: string | null | undefined): string {
  const name = (fullName ?? '').normalize('NFKC').trim().replace(/\s+/g, ' ');
  if (name === '') return '';
  const compact = name.replace(/[·・\s]/g, '');
  if (HAN.test(compact)) {
    const chars = [...compact];
    const compound = chars.length >= 3 && COMPOUND_SURNAMES.has(chars.slice(0, 2).join(''));
    const surname = compound ? chars.slice(0, 2).join('') : chars[0];
    const given = chars.slice(compound ? 2 : 1).join('');
    return [...given].length === 2 ? given : `${surname}师傅`;
  }
  const words = name.split(' ');
  return words.length >= 2 ? words[0] : `${words[0]}师傅`;
}

/** An instant as a Chinese message states it, in the branch's time zone: "11月30日 18:00". */
export function formatDueAt(ms: number, timeZone: string): string {
  const t = instantToZoned(ms, timeZone);
  return `${t.month}月${t.day}日 ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')}`;
}
