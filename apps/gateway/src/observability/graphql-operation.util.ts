import { Lexer, Source, TokenKind } from 'graphql';

export type OperationType = 'query' | 'mutation' | 'subscription' | 'unknown';

export interface OperationOf {
  type: OperationType;
  /** The operation's name as written in the document (a GraphQL Name: nothing else gets into a log line). */
  name?: string;
}

const KEYWORDS = new Set(['query', 'mutation', 'subscription']);

/**
 * Which operation a GraphQL request runs, and its type, from the document's tokens (no parse, no
 * validation: a few hundred tokens at most are read, for the log line and the metrics' labels).
 * `operationName` picks one of several; a document that does not lex is `unknown`.
 */
export function graphqlOperationOf(query: unknown, operationName: unknown, maxTokens = 2_000): OperationOf {
  if (typeof query !== 'string') return { type: 'unknown' };
  const wanted = typeof operationName === 'string' && operationName !== '' ? operationName : undefined;
  const lexer = new Lexer(new Source(query));
  let braces = 0;
  let parens = 0;
  // The definition whose header (keyword, name, variables) is being read at the top level.
  let header: { type: OperationType | 'fragment'; name?: string } | null = null;
  let expectName = false;
  let first: OperationOf | undefined;
  try {
    for (let i = 0; i < maxTokens; i++) {
      const t = lexer.advance();
      if (t.kind === TokenKind.EOF) break;
      const top = braces === 0 && parens === 0;
      if (top && t.kind === TokenKind.NAME) {
        if (expectName) {
          header!.name = t.value;
          expectName = false;
        } else if (header === null) {
          header = KEYWORDS.has(t.value) ? { type: t.value as OperationType } : { type: 'fragment' };
          expectName = KEYWORDS.has(t.value);
        }
        continue;
      }
      expectName = false;
      if (t.kind === TokenKind.PAREN_L) parens += 1;
      else if (t.kind === TokenKind.PAREN_R) parens -= 1;
      else if (t.kind === TokenKind.BRACE_R) braces -= 1;
      else if (t.kind === TokenKind.BRACE_L) {
        if (top) {
          // `{ … }` alone is a query; a fragment's selection is not an operation.
          const op = header === null ? { type: 'query' as const } : header.type === 'fragment' ? null : (header as OperationOf);
          header = null;
          if (op) {
            if (wanted === undefined || op.name === wanted) return op;
            first ??= op;
          }
        }
        braces += 1;
      }
    }
  } catch {
    return { type: 'unknown' };
  }
  return wanted === undefined && first ? first : { type: 'unknown' };
}
