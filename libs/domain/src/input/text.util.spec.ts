import {
  characterCount, checkInstantWindow, checkText, checkYearRange, isRealCalendarDate, normalizeText, parseCalendarDate, parseInstant,
} from './text.util';

describe('free text', () => {
  const name = { max: 100, singleLine: true };
  const note = { max: 5000 };

  it.each([
    ['NUL', 'Li\u0000Ming', /NUL/],
    ['a lone high surrogate', 'Li \ud800', /lone surrogate/],
    ['a lone low surrogate', '\udc00abc', /lone surrogate/],
    ['an ANSI colour escape', '\u001b[31mred\u001b[0m', /control characters/],
    ['a C1 CSI escape', 'x\u009b31m', /control characters/],
    ['DEL', 'a\u007fb', /control characters/],
    ['a vertical tab', 'a\u000bb', /control characters/],
    ['a right-to-left override', 'Li \u202eevil', /override/],
    ['a first-strong isolate', '\u2068Li\u2069', /override/],
    ['a noncharacter', 'a\uffffb', /noncharacter/],
  ])('refuses %s', (_, text, reason) => {
    const r = checkText(text, note);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it.each([' ', '   \t ', '\n\n', '\u3000\u3000', '\u200b', ''])('refuses blank text %j', (text) => {
    expect(checkText(text, name)).toEqual({ ok: false, reason: 'must not be blank' });
  });

  it('refuses line breaks and tabs in single-line text only', () => {
    expect(checkText('Li\nMing', name).ok).toBe(false);
    expect(checkText('Li\tMing', name).ok).toBe(false);
    expect(checkText('line one\n\tline two', note)).toEqual({ ok: true, value: 'line one\n\tline two' });
  });

  it('normalises: trims, NFC, one kind of line break', () => {
    expect(checkText('  Zoe\u0301  ', name)).toEqual({ ok: true, value: 'Zoé' });
    expect(normalizeText('a\r\nb\rc')).toBe('a\nb\nc');
  });

  it('counts characters, not UTF-16 units or bytes', () => {
    expect(characterCount('张女士😀')).toBe(4);
    const chinese = '投'.repeat(4999) + '😀';
    expect(chinese.length).toBe(5001);
    expect(checkText(chinese, note)).toEqual({ ok: true, value: chinese });
    expect(checkText('投'.repeat(5000), note).ok).toBe(true);
    const r = checkText('投'.repeat(5001), note);
    expect(r).toEqual({ ok: false, reason: 'must be 1 to 5000 characters (it has 5001)' });
  });

  it('keeps ordinary text intact, Chinese, emoji and punctuation included', () => {
    const text = '业主反映：3栋电梯停运三天，老人上下楼困难 😡🙏 — "please fix" (2/3)';
    expect(checkText(text, note)).toEqual({ ok: true, value: text });
  });
});

describe('dates', () => {
  it('knows which calendar dates exist', () => {
    expect(isRealCalendarDate(2024, 2, 29)).toBe(true);
    expect(isRealCalendarDate(2026, 2, 29)).toBe(false);
    expect(isRealCalendarDate(2000, 2, 29)).toBe(true);
    expect(isRealCalendarDate(1900, 2, 29)).toBe(false);
    expect(isRealCalendarDate(2026, 4, 31)).toBe(false);
    expect(isRealCalendarDate(2026, 13, 1)).toBe(false);
  });

  it('parses a calendar date without rolling over', () => {
    expect(parseCalendarDate('2026-10-01')).toEqual({ ok: true, year: 2026, month: 10, day: 1 });
    expect(parseCalendarDate('2026-02-30').ok).toBe(false);
    expect(parseCalendarDate('2026-2-3').ok).toBe(false);
  });

  it('parses instants strictly', () => {
    const ok = (s: string): string => {
      const r = parseInstant(s);
      if (!r.ok) throw new Error(r.reason);
      return r.value.toISOString();
    };
    expect(ok('2026-03-01T09:30:00+08:00')).toBe('2026-03-01T01:30:00.000Z');
    expect(ok('2026-03-01T01:30:00.123Z')).toBe('2026-03-01T01:30:00.123Z');
    expect(ok('2026-03-01T01:30Z')).toBe('2026-03-01T01:30:00.000Z');
    expect(ok('2026-03-01T01:30:00-0530')).toBe('2026-03-01T07:00:00.000Z');
    expect(ok('2026-03-01')).toBe('2026-03-01T00:00:00.000Z');
    expect(ok('0001-01-01')).toBe('0001-01-01T00:00:00.000Z');
    for (const bad of ['2026-02-30', '2026-02-30T00:00:00Z', '-271821-04-20T00:00:00Z', '+275760-09-13T00:00:00Z', '2026-03-01T24:00:00Z',
      '2026-03-01T10:00:00', '2026-03-01T10:00:00+15:00', 'yesterday', '', '2026-03-01T10:00:60Z', '1700000000000']) {
      expect(parseInstant(bad).ok).toBe(false);
    }
    const r = parseInstant('2026-02-30');
    expect(!r.ok && r.reason).toMatch(/2026-02-30 does not exist/);
  });

  it('checks a window around now', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const year = 365 * 24 * 3600_000;
    const window = { pastMs: year, futureMs: 2 * 60_000 };
    expect(checkInstantWindow(new Date('2026-05-01T00:00:00Z'), now, window)).toEqual({ ok: true });
    expect(checkInstantWindow(new Date('2026-06-01T00:01:00Z'), now, window)).toEqual({ ok: true });
    expect(checkInstantWindow(new Date('2026-06-01T00:03:00Z'), now, window)).toEqual({ ok: false, reason: 'must not be in the future' });
    expect(checkInstantWindow(new Date('0001-01-01T00:00:00Z'), now, window)).toEqual({ ok: false, reason: 'must not be before 2025-06-01T00:00:00.000Z' });
    expect(checkInstantWindow(new Date('2029-01-01T00:00:00Z'), now, { pastMs: year, futureMs: 2 * year })).toEqual({ ok: false, reason: 'must not be after 2028-05-31T00:00:00.000Z' });
    expect(checkInstantWindow(new Date(NaN), now, window).ok).toBe(false);
  });

  it('checks a year range', () => {
    expect(checkYearRange(new Date('2026-01-01T00:00:00Z'), 2000, 2100)).toEqual({ ok: true });
    expect(checkYearRange(new Date('1999-12-31T23:59:59Z'), 2000, 2100).ok).toBe(false);
    expect(checkYearRange(new Date('2101-01-01T00:00:00Z'), 2000, 2100).ok).toBe(false);
  });
});
