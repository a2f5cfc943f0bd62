import {
  GraphQLField, GraphQLInputType, GraphQLOutputType, GraphQLSchema, buildClientSchema, getIntrospectionQuery, getNamedType,
  getNullableType, isAbstractType, isInputObjectType, isLeafType, isListType, isNonNullType, isObjectType, IntrospectionQuery,
} from 'graphql';
import { ABSENT, GENERATE, KnownValue, Path, baselineArgs, printLiteral, showPath } from '../fuzz/schema-walk';

export type OperationKind = 'query' | 'mutation' | 'subscription';

/** One root field of the schema: what the sweep calls. */
export interface Operation {
  kind: OperationKind;
  name: string;
  field: GraphQLField<unknown, unknown>;
}

/**
 * The schema the gateway serves, read over HTTP by introspection (the URL must be a gateway in
 * development mode: outside it, introspection is refused).
 */
export async function introspectSchema(url: string): Promise<GraphQLSchema> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: getIntrospectionQuery() }),
  });
  const body = (await res.json()) as { data?: IntrospectionQuery; errors?: unknown[] };
  if (!body.data || body.errors?.length) throw new Error(`introspection failed: HTTP ${res.status} ${JSON.stringify(body.errors)}`);
  return buildClientSchema(body.data);
}

/** Every query, mutation and subscription of the schema, in schema order: a new one is swept without touching the test. */
export function rootOperations(schema: GraphQLSchema): Operation[] {
  const roots: [OperationKind, ReturnType<GraphQLSchema['getQueryType']>][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  return roots.flatMap(([kind, type]) => Object.values(type?.getFields() ?? {}).map((field) => ({ kind, name: field.name, field })));
}

/** The declared type at a path of an operation's (or output field's) arguments, and whether it may be left out. */
export function inputTypeAt(field: GraphQLField<unknown, unknown>, path: Path): { type: GraphQLInputType; optional: boolean } {
  const arg = field.args.find((a) => a.name === path[0]);
  if (!arg) throw new Error(`${field.name} has no argument ${String(path[0])}`);
  let type: GraphQLInputType = arg.type;
  let optional = !isNonNullType(arg.type) || arg.defaultValue !== undefined;
  for (const key of path.slice(1)) {
    const t = getNullableType(type);
    if (typeof key === 'number' && isListType(t)) {
      type = t.ofType as GraphQLInputType;
      optional = false;
    } else if (typeof key === 'string' && isInputObjectType(t)) {
      const f = t.getFields()[key];
      if (!f) throw new Error(`${showPath(path)} of ${field.name}: no input field ${key}`);
      type = f.type;
      optional = !isNonNullType(f.type) || f.defaultValue !== undefined;
    } else {
      throw new Error(`${showPath(path)} of ${field.name} does not follow the argument types`);
    }
  }
  return { type, optional };
}

/**
 * True for an argument or input field that names a record: ID-typed, or a String called `id` or
 * `…Id` (an audit filter's `recordId` and `actorId` are Strings, as they also take "platform-operator").
 */
export function namesRecord(name: string, type: GraphQLInputType): boolean {
  const named = getNamedType(type).name;
  // A requestId is the client's own retry key, not a record.
  return named === 'ID' || (named === 'String' && /^(id|\w+Id)$/.test(name) && name !== 'requestId');
}

/** True when a field naming a record is somewhere inside the type (the argument itself, a list of them, an input object holding one). */
export function holdsId(name: string, type: GraphQLInputType, seen = new Set<string>()): boolean {
  if (namesRecord(name, type)) return true;
  const named = getNamedType(type);
  if (!isInputObjectType(named) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => holdsId(f.name, f.type, seen));
}

/**
 * Arguments for one call: `valueFor(operation, path, name)` answers first (ids, semantic values);
 * otherwise an optional argument or input field that holds no ID is left out (a filter narrowed by
 * status or text would hide the data the sweep looks for), and the rest comes from the fuzz
 * walker's generator by type. `name` is the last field or argument name of `path`.
 */
export function synthesiseArgs(
  field: GraphQLField<unknown, unknown>,
  valueFor: (operation: string, path: Path, name: string, type: GraphQLInputType) => unknown,
): Record<string, unknown> {
  const known: KnownValue = (operation, path) => {
    const { type, optional } = inputTypeAt(field, path);
    const name = [...path].reverse().find((p): p is string => typeof p === 'string') as string;
    const v = valueFor(operation, path, name, type);
    if (v !== GENERATE) return v;
    if (optional && !holdsId(name, type)) return ABSENT;
    return GENERATE;
  };
  return baselineArgs(field, known);
}

/**
 * A selection of every scalar and enum leaf of `type`, descending into object fields at most
 * `depth` levels below it (an abstract type: `__typename` and each possible type). An output field
 * with required arguments gets them from `argsFor`.
 */
export function selectionSet(
  schema: GraphQLSchema,
  type: GraphQLOutputType,
  depth: number,
  argsFor: (field: GraphQLField<unknown, unknown>) => Record<string, unknown>,
): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (isAbstractType(named)) {
    const parts = schema.getPossibleTypes(named).map((t) => {
      const sub = selectionSet(schema, t, depth, argsFor);
      return sub ? `... on ${t.name} ${sub}` : '';
    });
    return `{ __typename ${parts.filter(Boolean).join(' ')} }`;
  }
  if (!isObjectType(named)) return '';
  const parts: string[] = [];
  for (const f of Object.values(named.getFields())) {
    const required = f.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
    let written = '';
    if (required.length) {
      const args = argsFor(f as GraphQLField<unknown, unknown>);
      written = `(${required.map((a) => `${a.name}: ${printLiteral(args[a.name], a.type)}`).join(', ')})`;
    }
    if (isLeafType(getNamedType(f.type))) {
      parts.push(`${f.name}${written}`);
    } else if (depth > 0) {
      const sub = selectionSet(schema, f.type, depth - 1, argsFor);
      if (sub) parts.push(`${f.name}${written} ${sub}`);
    }
  }
  return parts.length ? `{ ${parts.join(' ')} }` : '';
}

/**
 * `query Sweep_op($a: T!, …) { op(a: $a, …) { …selection } }` for the arguments present in `args`
 * (sent as variables); an argument left out is not declared, so its default applies.
 */
export function operationDocument(op: Operation, args: Record<string, unknown>, selection: string): string {
  const present = op.field.args.filter((a) => a.name in args);
  const decl = present.length ? `(${present.map((a) => `$${a.name}: ${String(a.type)}`).join(', ')})` : '';
  const use = present.length ? `(${present.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '';
  return `${op.kind} Sweep_${op.name}${decl} { ${op.name}${use}${selection ? ` ${selection}` : ''} }`;
}
