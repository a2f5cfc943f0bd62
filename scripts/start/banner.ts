// What `npm start` prints once everything is up: where the API and the Temporal UI are, a
// head-office token of the demo tenant and a curl to paste.
import path from 'path';
import { signToken } from '../../apps/gateway/src/auth/jwt.util';
import type { DemoTenant } from '../demo/seed';
import { Paint, paint as terminalPaint } from '../infra/output';
import { DEMO_FILE, ROOT, RuntimeFacts, redactUrl } from '../runtime-config';

/** The query the printed curl sends: the demo complaints with their reference and status. */
export const DEMO_QUERY = '{ complaints(first: 20) { totalCount edges { node { reference status severity branch { code } description } } } }';

export interface BannerInput {
  facts: RuntimeFacts;
  /** The demo tenant (absent with SEED_DEMO=0, or when seeding failed). */
  demo?: DemoTenant;
  /** true: seeded by this start; false: reused from an earlier one. */
  seeded: boolean;
  /** A token of the demo's head-office user (with `demo`). */
  headOfficeToken?: string;
  /** Time from the start command to ready. */
  seconds: number;
  /** `npm run start:cluster`: its gateways and Temporal's services. */
  cluster?: ClusterBanner;
}

export interface ClusterBanner {
  /** Every gateway's GraphQL URL (the first is facts.graphqlUrl). */
  graphqlUrls: string[];
  /** How many workers poll the task queue. */
  workers: number;
  temporalServices: { name: string; grpcPort: number; membershipPort: number; pid: number }[];
  /** "<database> <schema version>" of Temporal's databases. */
  temporalSchema: string[];
}

/** The banner's lines (no trailing newline), coloured with `paint`. */
export function bannerLines(o: BannerInput, paint: Paint = terminalPaint): string[] {
  const { facts, demo } = o;
  const rule = paint('─'.repeat(78), 'gray');
  const out: string[] = ['', rule, `  ${paint('Complaint platform is running', 'green')} (ready in ${o.seconds.toFixed(0)} s) — Ctrl-C stops everything`, ''];
  out.push(`  GraphQL       ${paint(facts.graphqlUrl, 'bold')}   (GraphiQL: ${facts.graphqlUrl.replace(/\/graphql$/, '/graphiql')})`);
  const cluster = o.cluster;
  if (cluster) {
    for (const url of cluster.graphqlUrls.slice(1)) out.push(`                ${paint(url, 'bold')}   (another gateway: same database, same Temporal)`);
    out.push(`  Workers       ${cluster.workers}, polling the same task queue`);
    out.push(`  Temporal      ${facts.temporalAddress} (namespace ${facts.temporalNamespace}); the server's services, one process each:`);
    for (const s of cluster.temporalServices) out.push(`    ${s.name.padEnd(10)} gRPC ${s.grpcPort}, membership ${s.membershipPort} (pid ${s.pid})`);
    out.push(`  Temporal DBs  ${cluster.temporalSchema.join(', ')} (persistence and SQL visibility; no Web UI in this profile)`);
  } else {
    out.push(`  Temporal UI   ${facts.temporalUiUrl ?? '(external Temporal: set TEMPORAL_UI_URL to show it here)'}`);
    out.push(`  Temporal      ${facts.temporalAddress} (namespace ${facts.temporalNamespace})`);
  }
  out.push(`  Database      ${redactUrl(facts.databaseUrl)}`);
  if (demo && o.headOfficeToken) {
    const token = o.headOfficeToken;
    out.push(`  Demo tenant   ${demo.tenantName} (${demo.tenantId}) — ${o.seeded ? 'seeded just now' : 'reused (already seeded)'}; details in ${path.relative(ROOT, DEMO_FILE)}`);
    out.push('', `  Head-office token (${demo.users.headOffice.name}, valid 12 h):`, `  ${token}`);
    out.push('', `  Console       ${paint(consoleUrl(facts.graphqlUrl, token), 'bold')}`, '                (head-office console, signed in as the head office; Chinese, with an English switch)');
    out.push('', '  Try it (lists the demo complaints with their reference and status):');
    out.push(`  ${curlCommand(facts.graphqlUrl, token, DEMO_QUERY)}`);
    out.push('', '  Demo users — a token for any of them: npm run --silent token -- --user <id>');
    for (const u of Object.values(demo.users)) out.push(`    ${u.role.padEnd(16)} ${u.scope.padEnd(10)} ${u.name.padEnd(33)} ${u.id}`);
  } else {
    out.push(`  Console       ${consoleUrl(facts.graphqlUrl)} (sign in with a token)`);
    out.push('', '  No demo tenant. A platform-admin token: npm run --silent token -- --platform-admin');
  }
  out.push(rule, '');
  return out;
}

/** The head-office console's URL, signed in with `token` (in the fragment: never sent to the server). */
export function consoleUrl(graphqlUrl: string, token?: string): string {
  return `${graphqlUrl.replace(/\/graphql$/, '/console/')}${token ? `#token=${token}` : ''}`;
}

/** A curl that POSTs `query` with a bearer token (single-quoted for a POSIX shell). */
export function curlCommand(graphqlUrl: string, token: string, query: string): string {
  return `curl -s ${graphqlUrl} -H 'content-type: application/json' -H 'authorization: Bearer ${token}' --data '${JSON.stringify({ query })}'`;
}

/** Prints the banner, with a fresh 12-hour token of the demo's head-office user. */
export function printBanner(o: Omit<BannerInput, 'headOfficeToken'> & { jwtSecret: string }): void {
  const headOfficeToken = o.demo ? signToken({ sub: o.demo.users.headOffice.id, tid: o.demo.tenantId }, o.jwtSecret) : undefined;
  process.stdout.write(`${bannerLines({ ...o, headOfficeToken }).join('\n')}\n`);
}
