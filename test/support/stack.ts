import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { NativeConnection, Worker } from '@temporalio/worker';
import { ChildProcess, spawn } from 'child_process';
import { randomBytes } from 'crypto';
import * as path from 'path';
import { installTemporalRuntime } from '../../apps/worker/src/temporal-runtime';
import { DataSource } from 'typeorm';
import { createGateway } from '../../apps/gateway/src/bootstrap';
import { signToken } from '../../apps/gateway/src/auth/jwt.util';
import { GatewayConfig } from '../../apps/gateway/src/common/gateway.config';
import { ComplaintActivitiesService } from '../../apps/worker/src/activities/complaint.activities';
import { ReviewActivitiesService } from '../../apps/worker/src/activities/review.activities';
import { DailyReportActivitiesService } from '../../apps/worker/src/activities/daily-report.activities';
import { CategoryModelActivitiesService } from '../../apps/worker/src/activities/category-model.activities';
import { MatterActivitiesService } from '../../apps/worker/src/activities/matter.activities';
import { EscalationActivitiesService } from '../../apps/worker/src/activities/escalation.activities';
import { WorkOrderActivitiesService } from '../../apps/worker/src/activities/work-order.activities';
import { createComplaintWorker } from '../../apps/worker/src/worker.factory';
import { MessageDelivery, deliveryOptionsFromEnv } from '../../apps/worker/src/delivery/message-delivery';
import { statusLinkSettings } from '../../libs/domain/src/notifications/status-link.util';
import { CalendarActivitiesService } from '../../apps/worker/src/activities/calendar.activities';
import { createDataSource } from '../../libs/persistence/src/data-source';
import { createTestDatabase } from './database';
import { temporalAddress, workflowBundlePath } from './test-env';

export { eventually, temporalAddress } from './test-env';

const ROOT = path.join(__dirname, '..', '..');
const UNTHROTTLED = { userPerMinute: 1_000_000, tenantPerMinute: 1_000_000, anonymousPerMinute: 1_000_000, tenantWritesPerSecond: 1_000_000 };

export interface GqlResponse<T = Record<string, any>> {
  status: number;
  data: T | null;
  errors?: { message: string; extensions: { code: string; fields?: { field: string; message: string }[]; correlationId?: string; retryAfter?: number } }[];
}

/**
 * The whole product for one test file, for real: its own database on the shared PostgreSQL, its
 * own task queue on the shared Temporal server, a worker (in-process, or a separate process that a
 * test can kill) and the gateway on an ephemeral port, spoken to over HTTP.
 */
export class Stack {
  readonly jwtSecret = randomBytes(16).toString('hex');
  readonly taskQueue = `test-${randomBytes(4).toString('hex')}`;
  url = '';
  /** The owner's URL (seeding and inspecting; row-level security does not apply). */
  databaseUrl = '';
  /** The application role's URL: what the gateway and the worker connect with (row-level security applies). */
  appDatabaseUrl = '';
  /** The worker's database URL (by default the same as the gateway's; a test can route it through a proxy). */
  workerDatabaseUrl = '';
  private dropDb: (() => Promise<void>) | null = null;
  private gateway: NestFastifyApplication | null = null;
  private worker: { worker: Worker; running: Promise<void>; connection: NativeConnection; ds: DataSource; delivery: MessageDelivery | null } | null = null;
  private child: ChildProcess | null = null;
  db!: DataSource;

  private extraGateways: NestFastifyApplication[] = [];
  /** Whether the in-process worker runs the outbox's delivery loop (`delivery: false` in start's options: messages stay queued). */
  deliveryEnabled = true;
  /** Added to the worker process's environment (worker: 'process'), e.g. LOG_LEVEL or WORKER_METRICS_PORT. */
  private workerEnv: Record<string, string> = {};
  /** Everything the worker process has printed so far (stdout and stderr; worker: 'process'). */
  workerOutput = '';

  static async start(
    label: string,
    opts: {
      worker?: 'in-process' | 'process' | 'none';
      actionTimeoutMs?: number;
      gatewayDatabaseUrl?: (url: string) => string;
      /** The worker's DATABASE_URL from the test database's URL (e.g. through a TcpProxy a test can cut). */
      workerDatabaseUrl?: (url: string) => string;
      /** Gateway settings a test changes (limits, development mode, …). */
      gateway?: Partial<GatewayConfig>;
      /** Added to the worker process's environment (worker: 'process'). */
      workerEnv?: Record<string, string>;
      /** false: the in-process worker sends no messages (they stay in the outbox). */
      delivery?: boolean;
    } = {},
  ): Promise<Stack> {
    const s = new Stack();
    s.deliveryEnabled = opts.delivery ?? true;
    s.workerEnv = opts.workerEnv ?? {};
    const database = await createTestDatabase(label);
    s.databaseUrl = database.url;
    s.appDatabaseUrl = database.appUrl;
    s.dropDb = database.drop;
    s.db = await createDataSource(s.databaseUrl).initialize();
    s.workerDatabaseUrl = opts.workerDatabaseUrl?.(s.appDatabaseUrl) ?? s.appDatabaseUrl;
    const mode = opts.worker ?? 'in-process';
    if (mode === 'in-process') await s.startWorker();
    if (mode === 'process') await s.startWorkerProcess();
    const config: GatewayConfig = {
      port: 0, host: '127.0.0.1', databaseUrl: opts.gatewayDatabaseUrl?.(s.appDatabaseUrl) ?? s.appDatabaseUrl,
      temporalAddress: temporalAddress(), namespace: 'default',
      taskQueue: s.taskQueue, jwtSecret: s.jwtSecret, actionTimeoutMs: opts.actionTimeoutMs ?? 30_000,
      ...opts.gateway,
      // Suites send bursts no person would: the per-minute rates are raised unless a test sets them.
      limits: { ...UNTHROTTLED, ...opts.gateway?.limits },
    };
    s.gateway = await createGateway(config);
    await s.gateway.listen(0, '127.0.0.1');
    const address = s.gateway.getHttpServer().address() as { port: number };
    s.url = `http://127.0.0.1:${address.port}/graphql`;
    return s;
  }

  /** A second gateway on the same database with some configuration changed (e.g. an unreachable Temporal); returns its URL. */
  async extraGateway(overrides: Partial<GatewayConfig>): Promise<string> {
    const app = await createGateway({
      port: 0, host: '127.0.0.1', databaseUrl: this.appDatabaseUrl, temporalAddress: temporalAddress(), namespace: 'default',
      taskQueue: this.taskQueue, jwtSecret: this.jwtSecret, actionTimeoutMs: 30_000, ...overrides,
      limits: { ...UNTHROTTLED, ...overrides.limits },
    });
    await app.listen(0, '127.0.0.1');
    this.extraGateways.push(app);
    return `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}/graphql`;
  }

  async startWorker(): Promise<void> {
    const ds = await createDataSource(this.workerDatabaseUrl || this.appDatabaseUrl).initialize();
    // Only an in-process worker needs the native runtime; installed without one, it would keep Jest from exiting.
    installTemporalRuntime();
    const connection = await NativeConnection.connect({ address: temporalAddress() });
    const worker = await createComplaintWorker({
      connection, namespace: 'default', taskQueue: this.taskQueue, activities: new ComplaintActivitiesService(ds, statusLinkSettings({}, { jwtSecret: this.jwtSecret })), reviews: new ReviewActivitiesService(ds), calendar: new CalendarActivitiesService(ds), matters: new MatterActivitiesService(ds),
      escalations: new EscalationActivitiesService(ds),
      workOrders: new WorkOrderActivitiesService(ds),
      dailyReports: new DailyReportActivitiesService(ds),
      categoryModels: new CategoryModelActivitiesService(ds),
      workflowBundle: { codePath: workflowBundlePath() },
    });
    // The outbox's delivery loop, paced for tests (retries after 200 ms, leases of 3 s).
    const delivery = this.deliveryEnabled
      ? new MessageDelivery(ds, { ...deliveryOptionsFromEnv({}), pollMs: 200, retryBaseMs: 200, leaseMs: 3000, sendTimeoutMs: 3000 }, temporalAddress(), 'default', this.workerDatabaseUrl || this.appDatabaseUrl)
      : null;
    delivery?.start();
    this.worker = { worker, connection, ds, running: worker.run(), delivery };
  }

  async stopWorker(): Promise<void> {
    if (!this.worker) return;
    const w = this.worker;
    this.worker = null;
    w.worker.shutdown();
    await w.running.catch(() => undefined);
    await w.delivery?.stop();
    await w.connection.close();
    await w.ds.destroy();
  }

  /** Runs the real worker entry point as its own process (so a test can SIGKILL it). */
  async startWorkerProcess(): Promise<void> {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'run-ts.js'), path.join(ROOT, 'apps', 'worker', 'src', 'main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env, DATABASE_URL: this.workerDatabaseUrl || this.appDatabaseUrl, TEMPORAL_ADDRESS: temporalAddress(), TEMPORAL_TASK_QUEUE: this.taskQueue,
        WORKFLOW_BUNDLE_PATH: workflowBundlePath(), ...this.workerEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.workerOutput = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (b: Buffer): void => {
        this.workerOutput += b.toString();
        if (this.workerOutput.includes('worker: polling')) resolve();
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', (b: Buffer) => (this.workerOutput += b.toString()));
      child.once('exit', (code) => reject(new Error(`worker process exited (${code}) before polling:\n${this.workerOutput}`)));
    });
  }

  killWorkerProcess(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }

  token(userId: string, tenantId: string): string {
    return signToken({ sub: userId, tid: tenantId }, this.jwtSecret);
  }

  platformToken(): string {
    return signToken({ sub: 'platform-operator', platformAdmin: true }, this.jwtSecret);
  }

  async gql<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string, url = this.url): Promise<GqlResponse<T>> {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as Omit<GqlResponse<T>, 'status'>;
    return { status: res.status, ...body };
  }

  /** Like gql, but fails the test on any GraphQL error. */
  async ok<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
    const r = await this.gql<T>(query, variables, token);
    if (r.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(r.errors)}`);
    return r.data as T;
  }

  async stop(): Promise<void> {
    for (const g of this.extraGateways) await g.close().catch(() => undefined);
    await this.gateway?.close().catch(() => undefined);
    await this.stopWorker();
    this.killWorkerProcess();
    await this.db?.destroy().catch(() => undefined);
    await this.dropDb?.();
  }
}

