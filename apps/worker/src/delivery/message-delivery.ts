import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { DataSource } from 'typeorm';
import { tenantTransaction } from '../../../../libs/persistence/src/tenant-transaction';
import { ChannelCredentialsRepository } from '../../../../libs/persistence/src/channel-credentials.repository';
import { channelAdapter, type ChannelAdapter, type MessageChannel } from '../../../../libs/notifications/src/channel';
import { complaintWorkflowId } from '../../../../workflows/shared/ids';
import { customerMessageResultSignal } from '../../../../workflows/shared/updates';
import { OUTBOX_CHANNEL } from '../activities/customer-messages';
import { workerLogger } from '../observability/logger';

/** How the delivery loop paces itself (env DELIVERY_*; tests shorten the retry base). */
export interface DeliveryOptions {
  /** How often it looks for due messages when nothing wakes it, ms. */
  pollMs: number;
  /** The most messages one round claims, and the most of one tenant (so one group's backlog never starves another's). */
  batch: number;
  perTenant: number;
  /** A claimed message not finished within this (a killed worker) is claimed again, ms. */
  leaseMs: number;
  /** Sends at once. */
  concurrency: number;
  /** The first retry after a retryable failure, doubling each time (capped at an hour), ms. */
  retryBaseMs: number;
  /** Attempts before a retryable failure is final (FAILED, on the timeline). */
  maxAttempts: number;
  /** A provider that does not answer within this is a retryable failure, ms. */
  sendTimeoutMs: number;
}

export function deliveryOptionsFromEnv(env: NodeJS.ProcessEnv): DeliveryOptions {
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    return n;
  };
  return {
    pollMs: int('DELIVERY_POLL_MS', 1000, 50, 60_000),
    batch: int('DELIVERY_BATCH', 50, 1, 1000),
    perTenant: int('DELIVERY_PER_TENANT', 10, 1, 1000),
    leaseMs: int('DELIVERY_LEASE_MS', 120_000, 1000, 3_600_000),
    concurrency: int('DELIVERY_CONCURRENCY', 8, 1, 64),
    retryBaseMs: int('DELIVERY_RETRY_BASE_MS', 5000, 10, 3_600_000),
    maxAttempts: int('DELIVERY_MAX_ATTEMPTS', 6, 1, 50),
    sendTimeoutMs: int('DELIVERY_SEND_TIMEOUT_MS', 10_000, 100, 120_000),
  };
}

interface QueuedMessage {
  id: string;
  complaint_id: string;
  kind: string;
  channel: string;
  recipient: string | null;
  subject: string | null;
  body: string;
  variables: Record<string, string>;
  link: string | null;
  idempotency_key: string;
  status: string;
  attempts: number;
  not_before: Date;
  meets: string[];
  failure_reason: string | null;
  opted_out: boolean;
}

const MAX_BACKOFF_MS = 3_600_000;
// The longest wait after failed rounds.
const MAX_FAILURE_WAIT_MS = 60_000;

/**
 * The outbox's delivery loop, in the worker: claims due messages of every tenant (a fair share each,
 * under a lease), sends each through its channel with the message's idempotency key, records the
 * outcome (retryable failures back off; the last attempt, a refusal or an opt-out is final), then
 * reports each final outcome to the complaint's workflow, which puts it on the timeline and lets a
 * delivered message meet its deadlines. A message queued wakes it (NOTIFY on commit).
 */
export class MessageDelivery {
  private readonly credentials: ChannelCredentialsRepository;
  private stopped = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  // A notice that arrived during a round (no one was waiting): the next wait is skipped.
  private notified = false;
  private listener: PgClient | null = null;
  private temporal: { connection: Connection; client: Client } | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly opts: DeliveryOptions,
    private readonly temporalAddress: string,
    private readonly namespace: string,
    private readonly listenUrl: string | null,
    private readonly adapterFor: (channel: MessageChannel) => ChannelAdapter = channelAdapter,
  ) {
    this.credentials = new ChannelCredentialsRepository(ds);
  }

  private poke(): void {
    if (this.wake) this.wake();
    else this.notified = true;
  }

  start(): void {
    this.running = this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.poke();
    await this.running;
    await this.listener?.end().catch(() => undefined);
    await this.temporal?.connection.close().catch(() => undefined);
  }

  private async loop(): Promise<void> {
    await this.listen();
    // After a failed round (the database unreachable), the wait doubles up to a minute: a down
    // database is not hammered, and the log gets one line per wait, not one per poll.
    let failures = 0;
    while (!this.stopped) {
      let wait = this.opts.pollMs;
      try {
        this.notified = false;
        const busy = await this.round();
        failures = 0;
        if (busy || this.notified) continue;
      } catch (err) {
        failures += 1;
        wait = Math.min(MAX_FAILURE_WAIT_MS, this.opts.pollMs * 2 ** Math.min(failures, 16));
        workerLogger().warn({ err: (err as Error).message, failures }, `message delivery: round failed (${(err as Error).message}); trying again in ${wait} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => { clearTimeout(timer); resolve(); };
      });
      this.wake = null;
    }
  }

  private async listen(): Promise<void> {
    if (!this.listenUrl) return;
    try {
      const c = new PgClient({ connectionString: this.listenUrl });
      c.on('error', () => undefined);
      await c.connect();
      await c.query(`LISTEN ${OUTBOX_CHANNEL}`);
      c.on('notification', () => this.poke());
      this.listener = c;
    } catch (err) {
      // Polling alone still delivers, a little later.
      workerLogger().warn({ err: (err as Error).message }, 'message delivery: LISTEN failed; polling only');
    }
  }

  /** One round: send what is due, report what is final. True when there may be more to do at once. */
  async round(): Promise<boolean> {
    const claimed: { id: string; tenant_id: string }[] = await this.ds.query(
      `SELECT id, tenant_id FROM claim_due_messages($1, $2, make_interval(secs => $3::double precision / 1000))`,
      [this.opts.batch, this.opts.perTenant, this.opts.leaseMs],
    );
    await this.pool(claimed, (c) => this.deliver(c.tenant_id, c.id));
    const reported = await this.report();
    // Anything claimed: there may be more of it (a tenant's backlog beyond its share of one round).
    return claimed.length > 0 || reported === REPORT_BATCH;
  }

  private async pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++];
        try {
          await work(item);
        } catch (err) {
          workerLogger().warn({ err: (err as Error).message }, `message delivery: ${(err as Error).message}`);
        }
      }
    }));
  }

  private async deliver(tenantId: string, id: string): Promise<void> {
    const [msg]: QueuedMessage[] = await tenantTransaction(this.ds, tenantId, (m) => m.query(
      `SELECT o.*, EXISTS (SELECT 1 FROM complainant_opt_outs x WHERE x.tenant_id = o.tenant_id AND x.contact = lower(o.recipient)) AS opted_out
         FROM outbound_messages o WHERE o.tenant_id = $1 AND o.id = $2`, [tenantId, id],
    ));
    if (!msg || msg.status !== 'QUEUED') return;
    if (msg.opted_out) return this.finish(tenantId, id, 'OPTED_OUT', null, 'the customer opted out of messages');
    const channel = msg.channel as MessageChannel;
    const credentials = await this.credentials.get(tenantId, channel);
    if (!credentials) return this.finish(tenantId, id, 'FAILED', null, `no ${channel} channel is set up for this group (setMessageChannel)`);
    const result = await this.adapterFor(channel).send({
      id: msg.id, idempotencyKey: msg.idempotency_key, recipient: msg.recipient ?? '', subject: msg.subject, body: msg.body,
      variables: msg.variables ?? {}, link: msg.link,
    }, credentials, { timeoutMs: this.opts.sendTimeoutMs }).catch((err: Error) => ({ ok: false as const, retryable: true, reason: `send failed: ${err.message}` }));
    if (result.ok) return this.finish(tenantId, id, 'DELIVERED', result.providerMessageId, null);
    const attempts = msg.attempts + 1;
    if (!result.retryable || attempts >= this.opts.maxAttempts) {
      return this.finish(tenantId, id, 'FAILED', null, `${result.reason}${result.retryable ? ` (after ${attempts} attempts)` : ''}`);
    }
    const backoff = Math.min(MAX_BACKOFF_MS, this.opts.retryBaseMs * 2 ** (attempts - 1));
    await tenantTransaction(this.ds, tenantId, (m) => m.query(
      `UPDATE outbound_messages SET attempts = $3, failure_reason = $4, next_attempt_at = now() + make_interval(secs => $5::double precision / 1000), lease_until = NULL
        WHERE tenant_id = $1 AND id = $2 AND status = 'QUEUED'`,
      [tenantId, id, attempts, result.reason.slice(0, 500), backoff],
    ));
  }

  private async finish(tenantId: string, id: string, status: 'DELIVERED' | 'FAILED' | 'OPTED_OUT', providerId: string | null, reason: string | null): Promise<void> {
    await tenantTransaction(this.ds, tenantId, (m) => m.query(
      `UPDATE outbound_messages SET status = $3, provider_message_id = $4, failure_reason = coalesce($5, failure_reason), attempts = attempts + $6,
              sent_at = CASE WHEN $3 = 'DELIVERED' THEN now() ELSE sent_at END, lease_until = NULL
        WHERE tenant_id = $1 AND id = $2 AND status = 'QUEUED'`,
      [tenantId, id, status, providerId, reason?.slice(0, 500) ?? null, status === 'OPTED_OUT' ? 0 : 1],
    ));
    await this.ds.query(`SELECT pg_notify($1, $2)`, [OUTBOX_CHANNEL, tenantId]).catch(() => undefined);
  }

  private async client(): Promise<Client> {
    if (!this.temporal) {
      const connection = await Connection.connect({ address: this.temporalAddress });
      this.temporal = { connection, client: new Client({ connection, namespace: this.namespace }) };
    }
    return this.temporal.client;
  }

  /** Final outcomes not yet on their complaint's timeline: signalled, then marked reported. Returns how many. */
  private async report(): Promise<number> {
    const due: { id: string; tenant_id: string }[] = await this.ds.query(`SELECT id, tenant_id FROM unreported_message_results($1)`, [REPORT_BATCH]);
    if (due.length === 0) return 0;
    const client = await this.client();
    await this.pool(due, async ({ id, tenant_id: tenantId }) => {
      const [msg]: QueuedMessage[] = await tenantTransaction(this.ds, tenantId, (m) => m.query(
        `SELECT * FROM outbound_messages WHERE tenant_id = $1 AND id = $2 AND reported_at IS NULL`, [tenantId, id],
      ));
      if (!msg) return;
      try {
        await client.workflow.getHandle(complaintWorkflowId(tenantId, msg.complaint_id)).signal(customerMessageResultSignal, {
          tenantId, messageId: msg.id, kind: msg.kind, channel: msg.channel, status: msg.status as 'DELIVERED', meets: msg.meets,
          reason: msg.failure_reason, at: Date.now(),
        });
      } catch (err) {
        // A complaint whose workflow has ended keeps the outcome on the message only.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      await tenantTransaction(this.ds, tenantId, (m) => m.query(
        `UPDATE outbound_messages SET reported_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id],
      ));
    });
    return due.length;
  }
}

// The most outcomes one round reports.
const REPORT_BATCH = 100;
