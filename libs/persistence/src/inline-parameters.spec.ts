import { inlineParameters } from './inline-parameters';

describe('inlineParameters', () => {
  it('writes each value in as pg would send it, quoted', () => {
    const at = new Date('2026-11-30T07:50:01.234Z');
    const sql = inlineParameters('SELECT * FROM t WHERE a = $1 AND b IN ($2, $3) AND c = $4 AND d = $5 AND e = $6 AND f = $7', [
      "O'Brien", 1, 2.5, true, null, at, ['a', 'b'],
    ]);
    expect(sql).toContain(`a = 'O''Brien'`);
    expect(sql).toContain(`IN ('1', '2.5')`);
    expect(sql).toContain(`c = 'true' AND d = NULL`);
    expect(sql).toMatch(/e = '2026-11-30T\d\d:\d\d:01\.234[+-]\d\d:\d\d'/);
    expect(sql).toContain(`f = '{"a","b"}'`);
  });

  it('replaces $10 as one parameter, not $1 followed by 0', () => {
    const params = Array.from({ length: 10 }, (_, i) => `v${i + 1}`);
    expect(inlineParameters('SELECT $10, $1, $2, $3, $4, $5, $6, $7, $8, $9', params)).toBe(`SELECT 'v10', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9'`);
  });

  it('leaves $n in strings, quoted identifiers and comments alone', () => {
    const sql = inlineParameters(`SELECT '$1 it''s $2', "col$1" FROM t -- $1\nWHERE x = $1`, ['v']);
    expect(sql).toBe(`SELECT '$1 it''s $2', "col$1" FROM t -- $1\nWHERE x = 'v'`);
  });

  it('quotes backslashes safely and refuses a missing or unused value', () => {
    expect(inlineParameters('SELECT $1', ['a\\b'])).toBe(`SELECT  E'a\\\\b'`);
    expect(() => inlineParameters('SELECT $2', ['a'])).toThrow('$2 has no value');
    expect(() => inlineParameters('SELECT $1', ['a', 'b'])).toThrow('1 of 2 values unused');
    expect(() => inlineParameters(`SELECT 'open $1`, ['a'])).toThrow('unterminated quote');
  });
});
