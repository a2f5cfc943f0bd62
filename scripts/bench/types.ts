// The contract between the bench runner (scripts/bench.ts) and its sections (scripts/bench/sections/).
//
// Adding a section: write `sections/<name>.ts` exporting a BenchSection, list it in
// sections/index.ts (order = run order). A section that needs no servers (e.g. pure calendar
// functions) sets `needsStack: false`; if only such sections are selected (`npm run bench -- --only
// <id>`), no servers are started at all.
import type { ChildService } from '../infra/child-service';
import type { Say } from '../infra/output';
import type { RssSampler } from './rss';

/** The tenant the bench provisions over GraphQL. */
export interface BenchTenant {
  tenantId: string;
  headOffice: string;
  companyId: string;
  /** Two branches; a dispatcher of each takes complaints for it. */
  branches: { id: string; code: string; dispatcher: string }[];
  tokens: { headOffice: string; dispatchers: string[] };
}

/** The running stack: Temporal, a scratch database, the worker and the gateway as child processes. */
export interface BenchStack {
  graphqlUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  jwtSecret: string;
  worker: ChildService;
  gateway: ChildService;
  /** RSS of the worker and the gateway (names "worker", "gateway"), sampled every 200 ms. */
  rss: RssSampler;
  tenant: BenchTenant;
  /** performance.now() when both children were ready (before any load). */
  readyAt: number;
  /** GraphQL call against the gateway; throws on any GraphQL error. */
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string): Promise<T>;
  /** Starts another gateway on the same database and task queue with some environment changed; returns its GraphQL URL. */
  extraGateway(env: NodeJS.ProcessEnv): Promise<string>;
  /** A token for a user of the bench tenant. */
  token(userId: string): string;
}

export interface BenchConfig {
  complaints: number;
  concurrency: number;
  listQueries: number;
}

export interface BenchContext {
  say: Say;
  config: BenchConfig;
  /** Present for sections with needsStack. */
  stack?: BenchStack;
  /** Results of the sections that already ran (e.g. for a summary section). */
  results: SectionResult[];
  /** true once the bench is being stopped (Ctrl-C, a child died): end load loops early. */
  stopping(): boolean;
}

/** One row of the final table. */
export interface Metric {
  label: string;
  value: string;
}

export interface SectionResult {
  id: string;
  title: string;
  metrics: Metric[];
  /** Machine-readable numbers, written to .data/bench-results.json under sections.<id>. */
  data: Record<string, unknown>;
  /** performance.now() window of the section's load, for per-section RSS peaks. */
  window?: { from: number; to: number };
}

export interface BenchSection {
  id: string;
  title: string;
  needsStack: boolean;
  /** Runs only when named in --only (too long for the default run). */
  optIn?: boolean;
  run(ctx: BenchContext): Promise<SectionResult>;
}
