import fc from 'fast-check';
import { GraphQLField, getNamedType, getNullableType, isEnumType, isInputObjectType, isListType, isNonNullType } from 'graphql';
import { ABSENT, InputNode, Path, inputNodes, setAt, showPath } from './schema-walk';

/** One way of breaking one place: the value to put there (ABSENT: leave it out) and the path an error must name. */
export interface Breaker {
  name: string;
  value: unknown;
  /** The field the answer must name; the node's own path unless said otherwise. */
  expect?: Path;
  /** False when the value cannot be written as a GraphQL literal (lone surrogates) or is too big to bother. */
  inlineOk?: boolean;
}

export interface Variant {
  mutation: string;
  /** e.g. `input.complainant.name: NUL (inline)` */
  name: string;
  args: Record<string, unknown>;
  expect: string;
  inline: boolean;
}

export const HUGE_TEXT = 'x'.repeat(100_001);
const HUGE_LIST = 2_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Characters no free text may carry: C0 controls other than tab/newline/CR, DEL, lone surrogates, bidi overrides.
const FORBIDDEN_CHARS = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u001b', '\u007f', '\u009b', '\ud800', '\udfff', '\u202e', '\u202d'];

/** What a string field means, from its name: the semantic breakers that go with it. */
function semantic(path: Path): string | undefined {
  const names = path.filter((p): p is string => typeof p === 'string');
  const last = names[names.length - 1];
  if (last === 'phone') return 'phone';
  if (last === 'timezone') return 'timezone';
  if (last === 'start' || last === 'end') return 'time';
  if ((last === 'holidays' || last === 'makeUpWorkdays') && typeof path[path.length - 1] === 'number') return 'date';
  if (last === 'date') return 'date';
  if (last === 'code') return 'code';
  if (last === 'policyPreset') return 'preset';
  return undefined;
}

function textBreakers(kind: string | undefined): Breaker[] {
  const semanticOnes: Record<string, Breaker[]> = {
    phone: [{ name: 'not a phone number', value: 'call me maybe' }, { name: 'phone of 60 digits', value: '1'.repeat(60) }],
    timezone: [{ name: 'unknown time zone', value: 'Mars/Olympus' }, { name: 'path as time zone', value: '../../etc/localtime' }, { name: 'offset as time zone', value: 'UTC+25' }],
    time: [{ name: 'hour 25', value: '25:00' }, { name: '"9am"', value: '9am' }, { name: 'minute 60', value: '09:60' }],
    date: [
      { name: 'impossible date 2026-02-30', value: '2026-02-30' }, { name: 'year 1', value: '0001-01-01' },
      { name: 'year -271821', value: '-271821-04-20' }, { name: 'month 13', value: '2026-13-01' }, { name: 'year 9999', value: '9999-12-31' },
    ],
    code: [{ name: 'lower-case code', value: 'gz01' }, { name: 'code with a dash', value: 'GZ-01' }],
    preset: [{ name: 'unknown preset', value: 'no-such-preset' }, { name: 'path as preset', value: '../../etc/passwd' }],
  };
  return [
    ...(kind ? semanticOnes[kind] : []),
    { name: 'NUL', value: 'Fuzz\u0000text' },
    { name: 'lone surrogate', value: 'Fuzz\ud800text', inlineOk: false },
    { name: 'ANSI escape', value: '\u001b[31mFuzz\u001b[0m' },
    { name: 'RLO', value: 'Fuzz\u202etxt.exe' },
    { name: 'whitespace only', value: '   \t  ' },
    { name: 'over-long (100,001 characters)', value: HUGE_TEXT, inlineOk: false },
    { name: 'number instead of text', value: 12345 },
    { name: 'empty', value: '' },
    { name: 'object instead of text', value: { a: 1 } },
    { name: 'lone low surrogate', value: '\udc00', inlineOk: false },
    { name: 'BEL control character', value: 'Fuzz\u0007' },
    { name: 'vertical tab', value: 'Fuzz\u000btext' },
    { name: 'C1 control (8-bit CSI)', value: '\u009b31mFuzz' },
    { name: 'boolean instead of text', value: true },
  ];
}

const idBreakers = (): Breaker[] => [
  { name: 'id "1"', value: '1' },
  { name: 'path traversal id', value: '../../etc/passwd' },
  { name: 'SQL injection id', value: "' OR 1=1 --" },
  { name: 'empty id', value: '' },
  { name: 'number id (coerced to "12345")', value: 12345 },
  { name: 'UUID-shaped non-hex id', value: 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz' },
  { name: 'UUID with NUL', value: '7f1f5b8e-3c1a-4d7e-9a51-2f0c6a7b9d10\u0000' },
  { name: 'over-long id', value: HUGE_TEXT, inlineOk: false },
  { name: 'boolean id', value: true },
  { name: 'UUID with a trailing space', value: '7f1f5b8e-3c1a-4d7e-9a51-2f0c6a7b9d10 ' },
];

const intBreakers = (): Breaker[] => [
  { name: '-1', value: -1 },
  { name: '2^31 (out of Int range)', value: 2 ** 31 },
  { name: 'fraction 1.5', value: 1.5 },
  { name: '1e308', value: 1e308 },
  { name: '"NaN" as text', value: 'NaN' },
  { name: '0', value: 0 },
  { name: '2^31-1', value: 2 ** 31 - 1 },
  { name: 'text instead of Int', value: 'abc' },
  { name: 'boolean instead of Int', value: true },
];

const floatBreakers = (): Breaker[] => [
  { name: '-1', value: -1 },
  { name: '1e308', value: 1e308 },
  { name: '"NaN" as text', value: 'NaN' },
  { name: '"Infinity" as text', value: 'Infinity' },
  { name: '-1e308', value: -1e308 },
  { name: 'boolean instead of Float', value: true },
];

const booleanBreakers = (): Breaker[] => [
  { name: '"true" as text', value: 'true' },
  { name: '1 instead of Boolean', value: 1 },
  { name: '"yes"', value: 'yes' },
  { name: 'object instead of Boolean', value: {} },
];

const dateTimeBreakers = (): Breaker[] => [
  { name: 'impossible date 2026-02-30', value: '2026-02-30T10:00:00Z' },
  { name: 'year -271821', value: '-271821-04-20T00:00:00Z' },
  { name: 'year 1', value: '0001-01-01T00:00:00Z' },
  { name: 'year +275760', value: '+275760-09-13T00:00:00Z' },
  { name: 'not a date', value: 'not a date' },
  { name: 'hour 25', value: '2026-11-29T25:00:00Z' },
  { name: 'year 9999', value: '9999-12-31T23:59:59Z' },
  { name: 'date-only impossible 2026-02-30', value: '2026-02-30' },
  { name: 'number instead of DateTime', value: 12345 },
  { name: 'empty DateTime', value: '' },
];

function enumBreakers(values: string[]): Breaker[] {
  const lower = values[0].toLowerCase();
  return [
    { name: 'unknown enum value', value: 'CARRIER_PIGEON' },
    ...(lower !== values[0] ? [{ name: 'lower-case enum value', value: lower }] : []),
    { name: 'number instead of enum', value: 42 },
    { name: 'empty enum value', value: '', inlineOk: false },
    { name: 'enum value with a trailing space', value: `${values[0]} `, inlineOk: false },
  ];
}

function durationBreakers(): Breaker[] {
  return [
    { name: 'absurd duration P5000000D', value: 'P5000000D' },
    { name: 'absurd duration P300000Y', value: 'P300000Y' },
    { name: 'negative duration', value: '-P1D' },
    { name: 'not a duration', value: 'banana' },
    { name: 'empty duration', value: '' },
    { name: 'duration P2Y (over a year)', value: 'P2Y' },
    { name: 'malformed duration P1D2', value: 'P1D2' },
    { name: 'number instead of duration', value: 3 },
  ];
}

function jsonBreakers(node: InputNode): Breaker[] {
  const v = node.value;
  const key = String(node.path[node.path.length - 1]);
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    // A deadline: P1Y is fine on the calendar, but a year of business time is not.
    const deadline = 'after' in (v as object) ? [{ name: 'P1Y of business time', value: { ...(v as object), after: 'P1Y', businessTime: true }, expect: [...node.path, 'after'] }] : [];
    return [
      ...deadline,
      { name: 'unknown key', value: { ...(v as object), bogusKey: 1 } },
      { name: 'text instead of object', value: 'not an object' },
      { name: 'list instead of object', value: [1, 2] },
    ];
  }
  if (typeof v === 'string') {
    if (/after$|Window$/i.test(key)) return durationBreakers();
    // A login name or a password is any text: no value of it is unknown (control characters still are wrong).
    const anyText = /^(user|pass)$/.test(key);
    return [
      ...(anyText ? [] : [{ name: 'unknown value', value: 'NOT_A_VALUE' }]),
      { name: 'NUL', value: 'A\u0000' },
      { name: 'number instead of text', value: 7 },
      { name: 'over-long text', value: HUGE_TEXT, inlineOk: false },
    ];
  }
  if (typeof v === 'number') {
    return [
      { name: '-1', value: -1 },
      { name: '1e308', value: 1e308 },
      { name: '"NaN" as text', value: 'NaN' },
      { name: 'text instead of number', value: '5' },
      ...(/Yuan/.test(key) ? [] : [{ name: 'fraction 1.5', value: 1.5 }]),
    ];
  }
  if (typeof v === 'boolean') return [{ name: '"yes"', value: 'yes' }, { name: '1 instead of boolean', value: 1 }];
  return [];
}

/** Breakers for one node, the most telling first (round-robin takes them in this order). */
export function breakersFor(node: InputNode): Breaker[] {
  if (node.json) return jsonBreakers(node);
  const type = node.type!;
  const t = getNullableType(type);
  const last = node.path[node.path.length - 1];
  const out: Breaker[] = [];
  if (isNonNullType(type)) {
    out.push({ name: 'null for a non-null', value: null });
    if (typeof last === 'string') out.push({ name: 'missing required field', value: ABSENT });
  }
  if (isListType(t)) {
    const item = Array.isArray(node.value) && node.value.length > 0 ? node.value[0] : undefined;
    if (item !== undefined) out.push({ name: `list of ${HUGE_LIST} elements`, value: Array.from({ length: HUGE_LIST }, () => structuredClone(item)), inlineOk: false });
    if (isNonNullType(t.ofType)) out.push({ name: 'null element', value: [...(Array.isArray(node.value) ? node.value : []), null], expect: [...node.path, Array.isArray(node.value) ? node.value.length : 0] });
    if (isNonNullType(type)) out.push({ name: 'empty list', value: [] });
    out.push({ name: 'number instead of list', value: 42 });
    return out;
  }
  if (isInputObjectType(t)) {
    out.push({ name: 'unknown extra field', value: { ...(node.value as object), bogusField: 'x' } });
    out.push({ name: 'text instead of object', value: 'not an object' });
    return out;
  }
  if (isEnumType(t)) return [...out, ...enumBreakers(t.getValues().map((x) => x.name))];
  switch (getNamedType(t).name) {
    case 'String': return [...out, ...textBreakers(semantic(node.path))];
    case 'ID': return [...out, ...idBreakers()];
    case 'Int': return [...out, ...intBreakers()];
    case 'Float': return [...out, ...floatBreakers()];
    case 'Boolean': return [...out, ...booleanBreakers()];
    case 'DateTime': return [...out, ...dateTimeBreakers()];
    case 'JSON': return [...out, { name: 'text instead of object', value: 'not an object' }, { name: 'number instead of object', value: 42 }, { name: 'list instead of object', value: [1, 2] }];
    default: return out;
  }
}

/** Seeded random invalid values for a leaf, to top a small mutation up to the minimum. */
function generatedBreakers(node: InputNode, count: number, seed: number): Breaker[] {
  const named = node.type ? getNamedType(node.type) : undefined;
  const name = node.json ? `json-${typeof node.value}` : named && isEnumType(named) ? 'enum' : named?.name;
  const sample = <T>(arb: fc.Arbitrary<T>): T[] => fc.sample(arb, { numRuns: count, seed });
  // Inside the text, between letters: surrounding whitespace (\v and \f included) is trimmed by normalisation, not refused.
  const inject = fc.tuple(fc.string({ minLength: 0, maxLength: 12 }), fc.constantFrom(...FORBIDDEN_CHARS), fc.nat())
    .map(([s, c, at]) => `a${s.slice(0, at % (s.length + 1))}${c}${s.slice(at % (s.length + 1))}z`);
  const badText = (label: string) => sample(inject).map((value) => ({ name: `${label} ${JSON.stringify(value)}`, value, inlineOk: !/[\ud800-\udfff]/.test(value) }));
  switch (name) {
    case 'String': return badText('generated forbidden character');
    case 'ID': return sample(fc.oneof(fc.string({ maxLength: 40 }), inject, fc.uuid().map((u) => u.slice(1))).filter((s) => !UUID.test(s)))
      .map((value) => ({ name: `generated non-UUID id ${JSON.stringify(value)}`, value, inlineOk: !/[\ud800-\udfff]/.test(value) }));
    case 'Int': return sample(fc.oneof(fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }), fc.double({ noInteger: true, noDefaultInfinity: true, noNaN: true }), fc.integer({ max: -1 })))
      .map((value) => ({ name: `generated bad Int ${value}`, value }));
    case 'Float': return sample(fc.oneof(fc.double({ max: -0.01, noDefaultInfinity: true, noNaN: true }), fc.double({ min: 1e20, noDefaultInfinity: true, noNaN: true })))
      .map((value) => ({ name: `generated bad Float ${value}`, value }));
    case 'Boolean': return sample(fc.oneof(fc.string(), fc.integer())).map((value) => ({ name: `generated non-boolean ${JSON.stringify(value)}`, value }));
    case 'enum': return sample(fc.stringMatching(/^[A-Z][A-Z_]{2,15}$/).map((s) => `${s}_NOPE`)).map((value) => ({ name: `generated enum value ${value}`, value }));
    case 'DateTime': return sample(fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 32, max: 99 }))).map(([m, d]) => {
      const value = `2026-${String(m).padStart(2, '0')}-${d}T10:00:00Z`;
      return { name: `generated impossible date ${value}`, value };
    });
    case 'JSON': return sample(fc.stringMatching(/^[a-z][A-Za-z]{2,12}$/)).map((k) => ({ name: `generated unknown key ${k}Nope`, value: { [`${k}Nope`]: 1 } }));
    case 'json-string':
      // A policy duration gets an absurd one; any other setting (a host, a login) a forbidden character.
      if (/after$|Window$/i.test(String(node.path[node.path.length - 1]))) {
        return sample(fc.integer({ min: 100_000, max: 10_000_000 })).map((n) => ({ name: `generated absurd duration P${n}D`, value: `P${n}D` }));
      }
      return sample(inject).map((value) => ({ name: `generated forbidden character ${JSON.stringify(value)}`, value, inlineOk: !/[\ud800-\udfff]/.test(value) }));
    case 'json-number': return sample(fc.integer({ max: -1 })).map((value) => ({ name: `generated negative ${value}`, value }));
    default: return [];
  }
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * At least `min` (at most `max`) invalid variants of a valid baseline, one broken place each:
 * round-robin over every node (nested ones included), so every field is broken before any
 * field is broken twice; each also written inline when `inline` is set and the value allows it.
 */
export function planVariants(
  field: GraphQLField<unknown, unknown>,
  baseline: Record<string, unknown>,
  opts: { min: number; max: number; inline: boolean },
): Variant[] {
  const nodes = inputNodes(field, baseline);
  const queues = nodes.map((n) => ({ node: n, breakers: breakersFor(n) }));
  const picked: { node: InputNode; b: Breaker }[] = [];
  for (let round = 0; picked.length < opts.max; round++) {
    let any = false;
    for (const q of queues) {
      if (round < q.breakers.length && picked.length < opts.max) {
        picked.push({ node: q.node, b: q.breakers[round] });
        any = true;
      }
    }
    if (!any) break;
  }
  if (picked.length < opts.min) {
    const leaves = nodes.filter((n) => n.present || n.type);
    const extra = leaves.map((n) => generatedBreakers(n, Math.ceil((opts.min - picked.length) / Math.max(1, leaves.length)) + 2, seedOf(`${field.name}:${showPath(n.path)}`)));
    for (let round = 0; picked.length < opts.min; round++) {
      let any = false;
      extra.forEach((list, i) => {
        if (round < list.length && picked.length < opts.min) {
          picked.push({ node: leaves[i], b: list[round] });
          any = true;
        }
      });
      if (!any) break;
    }
  }
  // Every variant goes as variables; those that can be written as a literal go inline as well
  // (literals take another path through GraphQL: parseLiteral and the validation rules).
  return picked.flatMap(({ node, b }) => {
    const args = setAt(baseline, node.path, b.value);
    const base = { mutation: field.name, args, expect: showPath(b.expect ?? node.path) };
    const name = `${showPath(node.path)}: ${b.name}`;
    return [
      { ...base, name, inline: false },
      ...(opts.inline && b.inlineOk !== false ? [{ ...base, name: `${name} (inline)`, inline: true }] : []),
    ];
  });
}
