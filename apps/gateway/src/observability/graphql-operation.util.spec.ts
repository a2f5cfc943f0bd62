import { graphqlOperationOf } from './graphql-operation.util';
import { errorCodesOf } from './metrics';

describe('graphqlOperationOf', () => {
  it('reads the type and name of the operation a request runs', () => {
    expect(graphqlOperationOf('{ me { id } }', undefined)).toEqual({ type: 'query' });
    expect(graphqlOperationOf('query Me { me { id } }', undefined)).toEqual({ type: 'query', name: 'Me' });
    expect(graphqlOperationOf('mutation Submit($input: SubmitComplaintInput!) { submitComplaint(input: $input) { id } }', null)).toEqual({ type: 'mutation', name: 'Submit' });
    expect(graphqlOperationOf('subscription { complaintUpdated { id } }', undefined)).toEqual({ type: 'subscription' });
    expect(graphqlOperationOf('mutation { withdrawComplaint(id: "x", reason: "query { }") { id } }', undefined)).toEqual({ type: 'mutation' });
  });

  it('picks the operation named by operationName, past fragments, comments, strings and default values', () => {
    const doc = `
      # query Commented { x }
      fragment F on Complaint { id description }
      query A($f: Filter = { status: "mutation {" }) { complaints(filter: $f) { edges { node { ...F } } } }
      mutation B { withdrawComplaint(id: "1", reason: """ subscription S { } """) { ...F } }
    `;
    expect(graphqlOperationOf(doc, 'B')).toEqual({ type: 'mutation', name: 'B' });
    expect(graphqlOperationOf(doc, 'A')).toEqual({ type: 'query', name: 'A' });
    expect(graphqlOperationOf(doc, 'Missing')).toEqual({ type: 'unknown' });
  });

  it('says unknown for what is not a GraphQL document', () => {
    expect(graphqlOperationOf(undefined, undefined)).toEqual({ type: 'unknown' });
    expect(graphqlOperationOf(42, undefined)).toEqual({ type: 'unknown' });
    expect(graphqlOperationOf('query "unterminated', undefined)).toEqual({ type: 'unknown' });
    expect(graphqlOperationOf('', undefined)).toEqual({ type: 'unknown' });
    // Reads a bounded number of tokens.
    expect(graphqlOperationOf(`${'fragment F on T { a } '.repeat(2_000)} query Q { a }`, undefined)).toEqual({ type: 'unknown' });
  });
});

describe('errorCodesOf', () => {
  it("lists each error's extensions.code, and nothing for an answer without errors", () => {
    expect(errorCodesOf(JSON.stringify({ data: null, errors: [{ message: 'm', extensions: { code: 'BAD_USER_INPUT' } }, { message: 'n' }] }))).toEqual(['BAD_USER_INPUT', undefined]);
    expect(errorCodesOf(Buffer.from(JSON.stringify({ errors: [{ extensions: { code: 'RATE_LIMITED' } }] })))).toEqual(['RATE_LIMITED']);
    expect(errorCodesOf(JSON.stringify({ data: { note: 'the word "errors" in data' } }))).toEqual([]);
    expect(errorCodesOf(JSON.stringify({ data: { json: { errors: [{ extensions: { code: 'X' } }] } } }))).toEqual([]);
    expect(errorCodesOf('not json "errors"')).toEqual([]);
    expect(errorCodesOf(undefined)).toEqual([]);
  });
});
