import {
  DEFAULT_TEMPLATES, MESSAGE_KINDS, TEMPLATE_VARIABLE_NAMES, TEMPLATE_VARIABLES, firstName, formatDueAt, renderTemplate,
  templateIssues, templateVariablesUsed, validateTemplate,
} from './template.util';
import { customerStage } from './customer-stage.util';

const ACK = DEFAULT_TEMPLATES.ACKNOWLEDGEMENT;

describe('templateIssues', () => {
  it('accepts a template using only known variables, with whitespace inside the braces', () => {
    expect(templateIssues('受理通知 {{ reference }}', '您好，编号 {{reference}}，{{  branch }} 于 {{dueAt}} 前答复，跟进人 {{handler}}。{{statusLink}} {{stage}}')).toEqual([]);
  });

  it('names each unknown variable, in the field it is in', () => {
    expect(templateIssues('{{title}}', '尊敬的{{customer}}，编号 {{reference}}，{{ phone }}')).toEqual([
      { field: 'subject', message: 'subject uses {{title}}, which is not a template variable (reference, branch, dueAt, handler, statusLink, stage)' },
      { field: 'body', message: 'body uses {{customer}}, which is not a template variable (reference, branch, dueAt, handler, statusLink, stage)' },
      { field: 'body', message: 'body uses {{phone}}, which is not a template variable (reference, branch, dueAt, handler, statusLink, stage)' },
    ]);
  });

  it('names an unknown variable once however often it is used, and is case-sensitive', () => {
    expect(templateIssues(null, '{{Reference}} {{Reference}}').map((i) => i.message)).toEqual([
      'body uses {{Reference}}, which is not a template variable (reference, branch, dueAt, handler, statusLink, stage)',
    ]);
  });

  it('refuses a {{ that is never closed, saying where', () => {
    expect(templateIssues(null, '编号 {{reference 请查收')).toEqual([{ field: 'body', message: 'body has a {{ at character 4 that is never closed with }}' }]);
  });

  it('refuses a placeholder that is not a name', () => {
    expect(templateIssues(null, '编号 {{ reference branch }}').map((i) => i.field)).toEqual(['body']);
    expect(templateIssues(null, '{{}}')[0].message).toMatch(/^body uses \{\{\}\}, which is not a variable/);
  });

  it('refuses an empty or blank body', () => {
    expect(templateIssues(null, '')).toEqual([{ field: 'body', message: 'body must not be empty' }]);
    expect(templateIssues('主题', '  \n ')).toEqual([{ field: 'body', message: 'body must not be empty' }]);
  });

  it('allows a body of exactly 500 characters and refuses 501 (counted as characters, not bytes)', () => {
    expect(templateIssues(null, '回'.repeat(500))).toEqual([]);
    expect(templateIssues(null, '回'.repeat(501))).toEqual([{ field: 'body', message: 'body is 501 characters; at most 500 (an SMS is sent in parts of 67)' }]);
    // A character outside the BMP is one character, not two.
    expect(templateIssues(null, '𠮷'.repeat(500))).toEqual([]);
  });

  it('allows a subject of 100 characters, refuses 101, a second line and a blank one; no subject is fine', () => {
    expect(templateIssues('题'.repeat(100), '正文')).toEqual([]);
    expect(templateIssues('题'.repeat(101), '正文')).toEqual([{ field: 'subject', message: 'subject is 101 characters; at most 100' }]);
    expect(templateIssues('第一行\n第二行', '正文')).toEqual([{ field: 'subject', message: 'subject must be one line' }]);
    expect(templateIssues(null, '正文')).toEqual([]);
    expect(templateIssues('', '正文')).toEqual([{ field: 'subject', message: 'subject must not be blank: leave it out for no subject' }]);
  });
});

describe('validateTemplate and templateVariablesUsed', () => {
  it('lists the variables used, and the unknown ones', () => {
    expect(templateVariablesUsed(ACK.body)).toEqual(['reference', 'branch', 'dueAt', 'statusLink']);
    expect(validateTemplate('{{reference}} {{customer}} {{owner}} {{customer}}')).toEqual(['customer', 'owner']);
    expect(validateTemplate('没有变量')).toEqual([]);
  });
});

describe('renderTemplate', () => {
  const values = { reference: 'GZ01-20261130-0001', branch: '海景花园管理处', dueAt: '11月30日 18:00', statusLink: 'https://s.example.cn/c/abc' };

  it('fills in the acknowledgement in Chinese', () => {
    expect(renderTemplate(ACK, values)).toEqual({
      subject: '您的投诉已受理（编号 GZ01-20261130-0001）',
      body: '您好，您的投诉已受理，编号 GZ01-20261130-0001（海景花园管理处）。我们将于 11月30日 18:00 前答复您。查看进度：https://s.example.cn/c/abc',
    });
  });

  it('renders a missing or null value as nothing, never "undefined" or "null"', () => {
    const text = renderTemplate('由{{handler}}跟进，{{ stage }}，{{reference}}', { handler: null, reference: undefined });
    expect(text).toBe('由跟进，，');
    expect(text).not.toMatch(/undefined|null/);
  });

  it('renders a template without a subject with a null subject', () => {
    expect(renderTemplate({ subject: null, body: '编号 {{reference}}' }, values)).toEqual({ subject: null, body: '编号 GZ01-20261130-0001' });
  });

  it('puts a value in literally (a value with braces is not rendered again)', () => {
    expect(renderTemplate('{{branch}}/{{reference}}', { branch: '{{reference}}', reference: 'R1' })).toBe('{{reference}}/R1');
  });
});

describe('DEFAULT_TEMPLATES', () => {
  it.each(MESSAGE_KINDS)('%s passes the save-time checks (no unknown variable) and is Chinese', (kind) => {
    const t = DEFAULT_TEMPLATES[kind];
    expect(templateIssues(t.subject, t.body)).toEqual([]);
    expect(t.body).toMatch(/\p{Script=Han}{4}/u);
    expect(templateVariablesUsed(t.body)).toEqual(expect.arrayContaining(['reference', 'statusLink']));
  });

  it('every rendered default leaves no placeholder behind', () => {
    const all = Object.fromEntries(TEMPLATE_VARIABLE_NAMES.map((n) => [n, `<${n}>`]));
    for (const kind of MESSAGE_KINDS) expect(renderTemplate(DEFAULT_TEMPLATES[kind], all).body).not.toMatch(/\{\{|\}\}/);
  });

  it('describes every variable in Chinese', () => {
    for (const d of Object.values(TEMPLATE_VARIABLES)) expect(d).toMatch(/\p{Script=Han}/u);
  });
});

describe('firstName', () => {
  it.each([
    ['张伟明', '伟明'],
    ['李晓红', '晓红'],
    ['欧阳明远', '明远'],
    ['司马相如', '相如'],
    ['张伟', '张师傅'],
    ['王', '王师傅'],
    ['欧阳修', '欧阳师傅'],
    ['张王小明', '张师傅'],
    [' 张 伟 明 ', '伟明'],
    ['Wei Zhang', 'Wei'],
    ['Dispatcher  Li', 'Dispatcher'],
    ['Zhang', 'Zhang师傅'],
    ['', ''],
    [null, ''],
  ])('%j → %j', (full, expected) => expect(firstName(full)).toBe(expected));

  it('never gives the full name of a Chinese name', () => {
    for (const n of ['张伟明', '张伟', '欧阳明远', '王', '张王小明']) expect(firstName(n)).not.toBe(n);
  });
});

describe('formatDueAt', () => {
  const at = Date.UTC(2026, 10, 30, 10, 0); // 2026-11-30T10:00Z

  it('states the instant in the branch\'s zone, Chinese style', () => {
    expect(formatDueAt(at, 'Asia/Shanghai')).toBe('11月30日 18:00');
    expect(formatDueAt(at, 'Asia/Urumqi')).toBe('11月30日 16:00');
    expect(formatDueAt(at, 'UTC')).toBe('11月30日 10:00');
  });

  it('crosses the date line of the zone, and pads the hour and minute', () => {
    expect(formatDueAt(Date.UTC(2026, 10, 30, 17, 5), 'Asia/Shanghai')).toBe('12月1日 01:05');
    expect(formatDueAt(Date.UTC(2026, 11, 31, 16, 0), 'Asia/Shanghai')).toBe('1月1日 00:00');
    expect(formatDueAt(Date.UTC(2026, 10, 30, 3, 0), 'America/Los_Angeles')).toBe('11月29日 19:00');
  });

  it('refuses a zone that is not one', () => {
    expect(() => formatDueAt(at, 'Mars/Olympus')).toThrow(/time zone/);
  });
});

describe('a progress message as the worker renders it', () => {
  it('reads as natural Chinese with the first name, the zone\'s time and the customer\'s stage', () => {
    const values = {
      reference: 'GZ01-20261130-0001', branch: '海景花园管理处', dueAt: formatDueAt(Date.UTC(2026, 10, 30, 10, 0), 'Asia/Shanghai'),
      handler: firstName('张伟明'), statusLink: 'https://s.example.cn/c/abc', stage: customerStage('IN_PROGRESS'),
    };
    expect(renderTemplate(DEFAULT_TEMPLATES.PROGRESS.body, values)).toBe(
      '您好，您的投诉（编号 GZ01-20261130-0001）目前处理中，由伟明跟进。我们将于 11月30日 18:00 前再向您反馈。查看进度：https://s.example.cn/c/abc',
    );
  });
});
