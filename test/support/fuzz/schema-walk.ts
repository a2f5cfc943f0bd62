import {
  GraphQLArgument, GraphQLField, GraphQLInputType, GraphQLSchema, getNamedType, getNullableType, isEnumType, isInputObjectType,
  isListType, isScalarType,
} from 'graphql';

/** A position in a mutation's arguments: `['input', 'complainant', 'name']`, `['calendar', 'workingHours', 0, 'weekday']`. */
export type Path = (string | number)[];

/** How errors name an input path: dots, list indices as numbers ("calendar.workingHours.0.weekday"). */
export const showPath = (p: Path): string => p.join('.');

/** Marks "leave this field out" in a baseline or a broken variant. */
export const ABSENT: unique symbol = Symbol('absent');

/**
 * Every place of an argument set that a fuzzer can break: scalars and enums (leaves), input
 * objects and lists (containers), and the keys and values inside a JSON scalar.
 * `type` is the declared GraphQL type (absent inside JSON, where only the JS value is known).
 */
export interface InputNode {
  path: Path;
  type?: GraphQLInputType;
  /** Set inside a JSON scalar (policy overrides): the breakers work on the JS value. */
  json?: boolean;
  value: unknown;
  /** False when the field is optional and the baseline leaves it out. */
  present: boolean;
}

export type KnownValue = (mutation: string, path: Path) => unknown;
/** What a KnownValue returns when it has no opinion: the generator by type decides. */
export const GENERATE: unique symbol = Symbol('generate');

/** Every mutation of the schema, in schema order: a new mutation is fuzzed without touching the test. */
export function mutationFields(schema: GraphQLSchema): GraphQLField<unknown, unknown>[] {
  return Object.values(schema.getMutationType()?.getFields() ?? {});
}

function generated(type: GraphQLInputType, path: Path, mutation: string, known: KnownValue): unknown {
  const k = known(mutation, path);
  if (k !== GENERATE) return k;
  const t = getNullableType(type);
  if (isListType(t)) return [generated(t.ofType as GraphQLInputType, [...path, 0], mutation, known)];
  if (isInputObjectType(t)) {
    const out: Record<string, unknown> = {};
    for (const f of Object.values(t.getFields())) {
      const v = generated(f.type, [...path, f.name], mutation, known);
      if (v !== ABSENT) out[f.name] = v;
    }
    return out;
  }
  if (isEnumType(t)) return t.getValues()[0].value;
  switch (getNamedType(t).name) {
    case 'String': return 'Fuzz baseline text';
    case 'ID': return '7f1f5b8e-3c1a-4d7e-9a51-2f0c6a7b9d10';
    case 'Int': return 1;
    case 'Float': return 1.5;
    case 'Boolean': return true;
    case 'DateTime': return new Date(Date.now() - 3600_000).toISOString();
    case 'JSON': return {};
    default: throw new Error(`no generator for scalar ${getNamedType(t).name} at ${showPath(path)} of ${mutation}: add one to schema-walk.ts`);
  }
}

/** A valid argument set for the mutation: the known values where validity is semantic, a generator by type elsewhere. */
export function baselineArgs(field: GraphQLField<unknown, unknown>, known: KnownValue): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of field.args) {
    const v = generated(a.type, [a.name], field.name, known);
    if (v !== ABSENT) out[a.name] = v;
  }
  return out;
}

function walkJson(value: unknown, path: Path, out: InputNode[]): void {
  out.push({ path, json: true, value, present: true });
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) walkJson(v, [...path, k], out);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => walkJson(v, [...path, i], out));
  }
}

function walk(type: GraphQLInputType, value: unknown, path: Path, present: boolean, out: InputNode[]): void {
  const t = getNullableType(type);
  if (isScalarType(t) && t.name === 'JSON' && present) {
    // The argument itself is a typed node (null, wrong shape); what is inside is walked as JSON.
    out.push({ path, type, value, present });
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) walkJson(v, [...path, k], out);
    }
    return;
  }
  out.push({ path, type, value, present });
  if (!present || value === null || value === undefined) return;
  if (isListType(t) && Array.isArray(value)) {
    value.forEach((v, i) => walk(t.ofType as GraphQLInputType, v, [...path, i], true, out));
  } else if (isInputObjectType(t) && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const f of Object.values(t.getFields())) walk(f.type, obj[f.name], [...path, f.name], f.name in obj, out);
  }
}

/** Every node of the argument set (present or optional-and-absent), parents before children. */
export function inputNodes(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): InputNode[] {
  const out: InputNode[] = [];
  for (const a of field.args) walk(a.type, args[a.name], [a.name], a.name in args, out);
  return out;
}

/** A deep copy of `args` with the value at `path` replaced (or removed, with ABSENT). */
export function setAt(args: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const copy = structuredClone(args);
  let cur: any = copy;
  for (const key of path.slice(0, -1)) cur = cur[key];
  const last = path[path.length - 1];
  if (value === ABSENT) {
    if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1);
    else delete cur[last];
  } else {
    cur[last] = value;
  }
  return copy;
}

/** The declared type of an argument or input field (undefined for keys GraphQL does not know). */
function fieldType(parent: GraphQLInputType | undefined, key: string | number): GraphQLInputType | undefined {
  if (!parent) return undefined;
  const t = getNullableType(parent);
  if (isListType(t)) return t.ofType as GraphQLInputType;
  if (isInputObjectType(t)) return t.getFields()[String(key)]?.type;
  return undefined;
}

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** Prints a JS value as a GraphQL literal of `type` (enum names bare, JSON as object literals). */
export function printLiteral(value: unknown, type: GraphQLInputType | undefined): string {
  if (value === null || value === undefined) return 'null';
  const named = type ? getNamedType(type) : undefined;
  if (Array.isArray(value)) return `[${value.map((v) => printLiteral(v, fieldType(type, 0))).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}: ${printLiteral(v, fieldType(type, k))}`).join(', ')}}`;
  }
  if (typeof value === 'string') return named && isEnumType(named) && NAME.test(value) ? value : JSON.stringify(value);
  return String(value);
}

/** `mutation($a: T!, …) { m(a: $a, …) { __typename } }` with variables named after the arguments. */
export function variablesDocument(field: GraphQLField<unknown, unknown>): string {
  const args = field.args as readonly GraphQLArgument[];
  if (args.length === 0) return `mutation { ${field.name} { __typename } }`;
  const decl = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const use = args.map((a) => `${a.name}: $${a.name}`).join(', ');
  return `mutation(${decl}) { ${field.name}(${use}) { __typename } }`;
}

/** The same operation with every argument written inline (an argument left out is simply not written). */
export function inlineDocument(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): string {
  const types = new Map(field.args.map((a) => [a.name, a.type]));
  const written = Object.entries(args).map(([k, v]) => `${k}: ${printLiteral(v, types.get(k))}`);
  return `mutation { ${field.name}${written.length ? `(${written.join(', ')})` : ''} { __typename } }`;
}

