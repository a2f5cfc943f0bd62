// Seeds (or completes) the demo tenant against a running `npm start` — which does this itself the
// first time; this entry is for re-running it by hand:
//   node scripts/run-ts.js scripts/seed-demo.ts
// Uses .data/runtime.json (GraphQL URL, database) and JWT_SECRET or the development secret.
import { ensureDemoTenant } from './demo/seed';
import { configuredDatabaseUrl, isRuntimeLive, jwtSecret, readRuntimeFacts } from './runtime-config';

export { ensureDemoTenant, readDemoFile, DEMO_TENANT_NAME } from './demo/seed';
export type { DemoTenant, DemoUser } from './demo/seed';

async function main(): Promise<void> {
  const facts = readRuntimeFacts();
  const graphqlUrl = process.env.GRAPHQL_URL ?? (isRuntimeLive(facts) ? facts?.graphqlUrl : undefined);
  if (!graphqlUrl) throw new Error('npm start is not running (no live .data/runtime.json); start it, or set GRAPHQL_URL and DATABASE_URL');
  const db = configuredDatabaseUrl();
  if (!db) throw new Error('no database: set DATABASE_URL or run npm start');
  const say = (l: string): void => void process.stderr.write(`[seed] ${l}\n`);
  const { demo, seeded } = await ensureDemoTenant({ graphqlUrl, databaseUrl: db.url, jwtSecret: jwtSecret().secret, say });
  say(seeded ? 'seeded' : 'nothing to do');
  process.stdout.write(`${JSON.stringify({ tenantId: demo.tenantId, users: demo.users }, null, 2)}\n`);
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`seed-demo: ${err.message}\n`);
    process.exit(1);
  });
}
