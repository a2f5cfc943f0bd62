'use strict';

// Services reach tenant tables only through the tenant-scoped repositories
// (libs/persistence/src/tenant-scoped.repository.ts), which add the tenant to every predicate and
// refuse an empty one. This rule reports, in the files it is configured for (gateway services):
// - any call on a TypeORM DataSource, EntityManager, QueryRunner or Repository (raw SQL with
//   `.query(…)`, `find`, `save`, `createQueryBuilder`, `manager.…`, and `transaction(…)`, which
//   would run without the row-level-security tenant: use `tenantTransaction(ds, tenantId, (m) => …)`
//   from libs/persistence/src/tenant-transaction.ts and hand `m` to `repository.withManager(m)`);
// - any `getRepository(…)` or `createQueryBuilder(…)` call, whatever it is called on;
// - `.query(…)` on a value whose type is unknown (`any`).
// Type-aware: the receiver's type decides, so `tenantScopedRepository.query(tenantId, 'c')` passes.

const RAW_TYPES = new Set(['DataSource', 'EntityManager', 'QueryRunner', 'Repository', 'TreeRepository', 'MongoRepository']);
const ALLOWED_ON_RAW = new Set();
const ALWAYS_REPORTED = new Set(['getRepository', 'createQueryBuilder']);

/** @param {import('typescript').Type} type */
function typeormClassOf(type, checker, seen = new Set()) {
  if (!type || seen.has(type)) return null;
  seen.add(type);
  if (type.isUnion && type.isUnion()) {
    for (const t of type.types) {
      const hit = typeormClassOf(t, checker, seen);
      if (hit) return hit;
    }
    return null;
  }
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  if (symbol && RAW_TYPES.has(symbol.getName())) {
    const fromTypeorm = (symbol.getDeclarations() ?? []).some((d) => /[\\/]node_modules[\\/]typeorm[\\/]/.test(d.getSourceFile().fileName));
    if (fromTypeorm) return symbol.getName();
  }
  // A subclass of a TypeORM data class is one too.
  const target = type.target ?? type;
  if (target.isClassOrInterface && target.isClassOrInterface()) {
    for (const base of checker.getBaseTypes(target) ?? []) {
      const hit = typeormClassOf(base, checker, seen);
      if (hit) return hit;
    }
  }
  return null;
}

function memberName(callee) {
  if (callee.type !== 'MemberExpression') return null;
  if (!callee.computed && callee.property.type === 'Identifier') return callee.property.name;
  if (callee.computed && callee.property.type === 'Literal' && typeof callee.property.value === 'string') return callee.property.value;
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
module.exports = {
  meta: {
    type: 'problem',
    docs: { description: 'Services reach tenant tables only through tenant-scoped repositories, never a DataSource, EntityManager or raw SQL' },
    schema: [],
    messages: {
      rawCall: 'Do not call {{type}}#{{method}} in a service: go through a TenantScopedRepository (libs/persistence/src/tenant-scoped.repository.ts), adding a typed method there if needed.',
      alwaysReported: 'Do not call {{method}}() in a service: go through a TenantScopedRepository (libs/persistence/src/tenant-scoped.repository.ts).',
      rawTransaction: 'Do not open a transaction on the DataSource in a service: it has no row-level-security tenant. Use tenantTransaction(ds, tenantId, (m) => …) (libs/persistence/src/tenant-transaction.ts).',
      untypedQuery: 'Do not call .query() on an untyped value in a service: go through a TenantScopedRepository.',
    },
  },
  create(context) {
    const services = context.sourceCode.parserServices;
    if (!services || !services.program) throw new Error('no-raw-data-access needs type information (parserOptions.projectService)');
    const checker = services.program.getTypeChecker();
    const ts = require('typescript');
    return {
      CallExpression(node) {
        const callee = node.callee;
        const method = callee.type === 'Identifier' ? callee.name : memberName(callee);
        if (!method) return;
        if (ALWAYS_REPORTED.has(method)) {
          context.report({ node, messageId: 'alwaysReported', data: { method } });
          return;
        }
        if (callee.type !== 'MemberExpression') return;
        const type = checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(callee.object));
        const raw = typeormClassOf(type, checker);
        if (raw) {
          if (method === 'transaction') context.report({ node, messageId: 'rawTransaction' });
          else if (!ALLOWED_ON_RAW.has(method)) context.report({ node, messageId: 'rawCall', data: { type: raw, method } });
          return;
        }
        if (method === 'query' && (type.flags & ts.TypeFlags.Any) !== 0) context.report({ node, messageId: 'untypedQuery' });
      },
    };
  },
};
