import * as path from 'path';
import { RuleTester } from '@typescript-eslint/rule-tester';
import rule = require('./no-raw-data-access');

const ruleTester = new RuleTester({
  languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: path.join(__dirname, 'fixtures') } },
});

// The types a gateway service meets, as the rule sees them.
const setup = `
import { DataSource, EntityManager, Repository } from 'typeorm';
class Scoped { query(tenantId: string, alias: string) { return { tenantId, alias }; } findOne(tenantId: string) { return tenantId; } }
declare const ds: DataSource;
declare const m: EntityManager;
declare const repo: Repository<{ id: string }>;
declare const scoped: Scoped;
declare const untyped: any;
`;

ruleTester.run('no-raw-data-access', rule as never, {
  valid: [
    // The tenant-scoped repository's own query builder and finders.
    `${setup} scoped.query('t1', 'c'); scoped.findOne('t1');`,
    // A tenant transaction (a function taking the data source) whose callback hands its manager to the repositories.
    `${setup} declare function tenantTransaction(ds: DataSource, t: string, w: (m: EntityManager) => Promise<unknown>): Promise<unknown>; void tenantTransaction(ds, 't1', async (manager) => manager);`,
    // Passing the data source to a repository's constructor is how services get one.
    `${setup} class R { constructor(source: DataSource) { void source; } } new R(ds);`,
    // Other objects' methods of the same names.
    `${setup} const db = { query: (sql: string) => sql }; db.query('SELECT 1');`,
  ],
  invalid: [
    { code: `${setup} void ds.query('SELECT * FROM complaints');`, errors: [{ messageId: 'rawCall', data: { type: 'DataSource', method: 'query' } }] },
    { code: `${setup} void m.query('SELECT 1');`, errors: [{ messageId: 'rawCall', data: { type: 'EntityManager', method: 'query' } }] },
    { code: `${setup} void ds.manager.find('complaints');`, errors: [{ messageId: 'rawCall', data: { type: 'EntityManager', method: 'find' } }] },
    { code: `${setup} void repo.findOneBy({ id: 'x' });`, errors: [{ messageId: 'rawCall', data: { type: 'Repository', method: 'findOneBy' } }] },
    { code: `${setup} void m.save({});`, errors: [{ messageId: 'rawCall', data: { type: 'EntityManager', method: 'save' } }] },
    { code: `${setup} ds.getRepository('complaints');`, errors: [{ messageId: 'alwaysReported', data: { method: 'getRepository' } }] },
    { code: `${setup} ds.createQueryBuilder();`, errors: [{ messageId: 'alwaysReported', data: { method: 'createQueryBuilder' } }] },
    // A union of a data source and a manager is still raw access.
    { code: `${setup} declare const either: DataSource | EntityManager; void either.query('SELECT 1');`, errors: [{ messageId: 'rawCall' }] },
    // A subclass of Repository is one too.
    { code: `${setup} class Mine extends Repository<{ id: string }> {} declare const mine: Mine; void mine.find();`, errors: [{ messageId: 'rawCall' }] },
    { code: `${setup} untyped.query('SELECT 1');`, errors: [{ messageId: 'untypedQuery' }] },
    // A plain transaction has no row-level-security tenant: every query in it would see no rows.
    { code: `${setup} void ds.transaction(async (manager) => manager);`, errors: [{ messageId: 'rawTransaction' }] },
  ],
});
