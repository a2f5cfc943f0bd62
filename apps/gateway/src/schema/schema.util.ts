import {
  GraphQLEnumType, GraphQLField, GraphQLInputObjectType, GraphQLInputField, GraphQLObjectType, GraphQLSchema,
  buildSchema,
} from 'graphql';

export interface ContractProblem {
  name: string;
  problem: string;
}

type AnyField = GraphQLField<unknown, unknown> | GraphQLInputField;

/** Compares the generated schema with the contract for the covered names: missing, renamed or retyped names are problems. */
export function checkContract(contractSdl: string, generated: GraphQLSchema, covered: Record<string, 'all' | string[]>): ContractProblem[] {
  const contract = buildSchema(contractSdl);
  const problems: ContractProblem[] = [];
  for (const [typeName, fieldsWanted] of Object.entries(covered)) {
    const want = contract.getType(typeName);
    if (!want) {
      problems.push({ name: typeName, problem: 'listed as covered but not in the contract' });
      continue;
    }
    const have = generated.getType(typeName);
    if (!have) {
      problems.push({ name: typeName, problem: 'missing from the generated schema' });
      continue;
    }
    if (want.constructor !== have.constructor) {
      problems.push({ name: typeName, problem: `is a ${have.constructor.name}, the contract says ${want.constructor.name}` });
      continue;
    }
    if (want instanceof GraphQLEnumType) {
      const values = new Set((have as GraphQLEnumType).getValues().map((v) => v.name));
      for (const v of want.getValues()) if (!values.has(v.name)) problems.push({ name: `${typeName}.${v.name}`, problem: 'enum value missing' });
      continue;
    }
    if (!(want instanceof GraphQLObjectType || want instanceof GraphQLInputObjectType)) continue;
    const wantFields = want.getFields() as Record<string, AnyField>;
    const haveFields = (have as GraphQLObjectType | GraphQLInputObjectType).getFields() as Record<string, AnyField>;
    const names = fieldsWanted === 'all' ? Object.keys(wantFields) : fieldsWanted;
    for (const f of names) {
      const w = wantFields[f];
      const h = haveFields[f];
      const at = `${typeName}.${f}`;
      if (!w) {
        problems.push({ name: at, problem: 'listed as covered but not in the contract' });
        continue;
      }
      if (!h) {
        problems.push({ name: at, problem: 'missing from the generated schema' });
        continue;
      }
      if (String(w.type) !== String(h.type)) problems.push({ name: at, problem: `has type ${String(h.type)}, the contract says ${String(w.type)}` });
      if ('args' in w && 'args' in h) {
        for (const a of w.args) {
          const ha = h.args.find((x) => x.name === a.name);
          if (!ha) problems.push({ name: `${at}(${a.name})`, problem: 'argument missing' });
          else if (String(a.type) !== String(ha.type)) problems.push({ name: `${at}(${a.name})`, problem: `argument has type ${String(ha.type)}, the contract says ${String(a.type)}` });
        }
      }
    }
  }
  return problems;
}
