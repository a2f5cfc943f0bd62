import * as fs from 'fs';
import * as path from 'path';
import { GraphQLSchema, buildSchema, printSchema } from 'graphql';
import { COVERED_TYPES } from './contract-coverage';
import { generateSchema } from './schema.factory';
import { checkContract } from './schema.util';

// The contract lives beside the repository (../shared/spec/), as in every checkout and in CI.
const CONTRACT = process.env.API_CONTRACT_PATH ?? path.join(__dirname, '..', '..', '..', '..', '..', 'shared', 'spec', 'api-contract.graphql');

describe('API contract', () => {
  let schema: GraphQLSchema;
  let contract: string;

  beforeAll(async () => {
    schema = await generateSchema();
    if (!fs.existsSync(CONTRACT)) throw new Error(`the API contract is not at ${CONTRACT}: check out shared/ beside the repository, or set API_CONTRACT_PATH`);
    contract = fs.readFileSync(CONTRACT, 'utf8');
  });

  it('keeps every covered name of the contract, with its type and arguments', () => {
    expect(checkContract(contract, schema, COVERED_TYPES)).toEqual([]);
  });

  it('notices a dropped field, a renamed enum value and a changed argument', () => {
    const sdl = printSchema(schema)
      .replace(/\n\s+reference: String!/, '')
      .replace(/\bWALK_IN\b/, 'WALKIN')
      // Arguments may carry descriptions (with parentheses of their own): match lazily up to the argument.
      .replace(/(dispatchComplaint\([\s\S]*?)assigneeId: ID!/, '$1assignee: ID!');
    const broken = buildSchema(sdl);
    const names = checkContract(contract, broken, COVERED_TYPES).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['Complaint.reference', 'Channel.WALK_IN', 'Mutation.dispatchComplaint(assigneeId)']));
  });
});
