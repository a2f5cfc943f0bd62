import { ASTNode, ArgumentNode, DocumentNode, Kind, Source, ValueNode, parse, visit } from 'graphql';
import { FieldIssue } from './app-error';

// GraphQL's own refusals (variable coercion, literal validation, argument errors) name the input
// only in their message or their position in the document. These turn them into the contract's
// `fields` entries: "input.kind", "input.complainant.name", "roles.3.role", "id".

/** What this needs of a GraphQLError (graphql-js puts the document and offsets on it). */
export interface GraphQLErrorLike {
  message: string;
  source?: Source;
  positions?: readonly number[];
}

const quote = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// graphql-js prints paths as `input.roles[3].role`; the contract's paths use dots throughout.
const dotted = (path: string): string => path.replace(/\[(\d+)\]/g, '.$1');
const lastSegment = (path: string): string => path.slice(path.lastIndexOf('.') + 1);

/** "Field "name" of required type "String!" was not provided." and "Field "x" is not defined by type "T"." name a child. */
function childNamedIn(detail: string): string | null {
  const m = /^Field "(?:[A-Za-z_][A-Za-z0-9_]*\.)?([A-Za-z_][A-Za-z0-9_]*)" (?:of required type .* was not provided|is not defined by type)/.exec(detail);
  return m ? m[1] : null;
}

/** The message a field entry carries: the scalar's own "must …" reason reads as "receivedAt must …". */
function messageFor(field: string, detail: string): string {
  const d = detail.replace(/^Expected type "[^"]+"\. /, '').trim();
  return /^must /.test(d) ? `${lastSegment(field)} ${d}` : d;
}

/** Variable coercion errors, whose message carries the variable and the path inside it. */
function fromVariableMessage(message: string): FieldIssue[] | null {
  let m = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)" got invalid value /.exec(message);
  if (m) {
    const name = m[1];
    // ` at "input.kind"; ` — searched from the end: the printed value before it is client text.
    const at = [...message.matchAll(new RegExp(` at "(${quote(name)}(?:[.[][^"]*)?)"; `, 'g'))].pop();
    let field = name;
    let detail: string;
    if (at && at.index !== undefined) {
      field = dotted(at[1]);
      detail = message.slice(at.index + at[0].length);
    } else {
      detail = message.slice(message.lastIndexOf('; ') + 2);
    }
    const child = childNamedIn(detail);
    if (child) field = `${field}.${child}`;
    return [{ field, message: messageFor(field, detail) }];
  }
  m = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)" (?:of required type .* was not provided|of non-null type .* must not be null|expected value of type)/.exec(message);
  if (m) return [{ field: m[1], message }];
  return null;
}

/** Argument errors raised while executing: `Argument "id" has invalid value …`, `… was not provided`. */
function fromArgumentMessage(message: string): FieldIssue[] | null {
  const m = /^Argument "([A-Za-z_][A-Za-z0-9_]*)" (?:has invalid value|of required type|of non-null type|of type)/.exec(message);
  return m ? [{ field: m[1], message }] : null;
}

function within(node: ASTNode, pos: number): boolean {
  return !!node.loc && node.loc.start <= pos && pos < node.loc.end;
}

/** The path from an argument down to the innermost value at `pos`: ["input", "complainant", "name"]. */
function valuePath(value: ValueNode, pos: number, path: string[]): string[] {
  if (value.kind === Kind.OBJECT) {
    for (const f of value.fields) if (within(f, pos)) return valuePath(f.value, pos, [...path, f.name.value]);
  } else if (value.kind === Kind.LIST) {
    value.values.forEach((v, i) => {
      if (within(v, pos)) path = valuePath(v, pos, [...path, String(i)]);
    });
  }
  return path;
}

/** Finds which argument (and where inside it) a document position falls in. */
function pathAt(document: DocumentNode, pos: number): string | null {
  let found: string | null = null;
  visit(document, {
    Argument(node: ArgumentNode) {
      if (found || !within(node, pos)) return undefined;
      found = valuePath(node.value, pos, [node.name.value]).join('.');
      return false;
    },
  });
  return found;
}

/** Literal errors from validation: located by their position in the document. */
function fromDocumentPosition(err: GraphQLErrorLike): FieldIssue[] | null {
  if (!err.source || !err.positions?.length) return null;
  let document: DocumentNode;
  try {
    document = parse(err.source);
  } catch {
    return null;
  }
  for (const pos of err.positions) {
    const path = pathAt(document, pos);
    if (!path) continue;
    const detail = err.message.replace(/^Expected value of type "[^"]+", found .*?; /s, '');
    const child = childNamedIn(err.message);
    const field = child && !path.endsWith(`.${child}`) ? `${path}.${child}` : path;
    return [{ field, message: messageFor(field, detail) }];
  }
  // `Field "complaint" argument "id" of type "ID!" is required, but it was not provided.` sits on the field.
  const missing = /^Field "[^"]+" argument "([A-Za-z_][A-Za-z0-9_]*)" of type .* is required/.exec(err.message);
  return missing ? [{ field: missing[1], message: err.message }] : null;
}

/** Request-level problems: where in the GraphQL-over-HTTP request body the fault lies. */
function fromRequestMessage(message: string): FieldIssue[] {
  if (/\bbody\b/i.test(message)) return [{ field: /\bbody\/([A-Za-z]+)/.exec(message)?.[1] ?? 'body', message }];
  if (/operation name|Unknown operation named/i.test(message)) return [{ field: 'operationName', message }];
  if (/variables/i.test(message) && !/^Variable "/.test(message)) return [{ field: 'variables', message }];
  return [{ field: 'query', message }];
}

/** The input fields a GraphQL error is about; never empty (the query document itself as a last resort). */
export function fieldsOfGraphQLError(err: GraphQLErrorLike): FieldIssue[] {
  const message = err.message ?? '';
  return fromVariableMessage(message) ?? fromArgumentMessage(message) ?? fromDocumentPosition(err) ?? fromRequestMessage(message);
}
