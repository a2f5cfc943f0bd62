import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import {
  COMPLAINT_UPDATED_CHANNEL, ComplaintUpdatedNotice, ESCALATION_RAISED_CHANNEL, EscalationRaisedNotice,
} from '../../../../../libs/persistence/src/notifications';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';

export type ChangeNotice =
  | { channel: typeof COMPLAINT_UPDATED_CHANNEL; notice: ComplaintUpdatedNotice }
  | { channel: typeof ESCALATION_RAISED_CHANNEL; notice: EscalationRaisedNotice };

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

function parse(channel: string, payload: string | undefined): ChangeNotice | null {
  try {
    const v = JSON.parse(payload ?? '') as Record<string, unknown>;
    if (typeof v?.tenantId !== 'string' || typeof v.complaintId !== 'string') return null;
    if (channel === COMPLAINT_UPDATED_CHANNEL && typeof v.branchId === 'string') return { channel, notice: v as unknown as ComplaintUpdatedNotice };
    if (channel === ESCALATION_RAISED_CHANNEL && typeof v.escalationId === 'string' && Array.isArray(v.userIds)) {
      return { channel, notice: v as unknown as EscalationRaisedNotice };
    }
  } catch {
    // ignored below
  }
  return null;
}

/**
 * One dedicated PostgreSQL connection per gateway that LISTENs for committed changes (the worker's
 * NOTIFY, sent in the projection's transaction) and hands each notice to the subscriptions. The
 * notices carry ids only and no tenant data, so the connection needs no tenant. A lost connection is
 * re-opened with backoff; notices sent meanwhile are missed, which is why clients catch up from
 * `complaints(filter: { updatedSince })` after a reconnect.
 */
@Injectable()
export class ChangeListenerService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('ChangeListener');
  private readonly handlers = new Set<(n: ChangeNotice) => void>();
  private client: Client | null = null;
  private stopped = false;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  onModuleInit(): void {
    // Not awaited: a database that is down at start must not stop the gateway; the listener retries.
    void this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => undefined);
  }

  /** Registers a handler; returns its removal. */
  onNotice(handler: (n: ChangeNotice) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'gateway-change-listener' });
    let failed = false;
    const fail = (err: unknown): void => {
      if (failed) return;
      failed = true;
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      if (this.stopped) return;
      this.logger.warn(`change notices interrupted (${err instanceof Error ? err.message : String(err)}); reconnecting in ${this.retryMs} ms`);
      this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    };
    client.on('error', fail);
    client.on('end', () => fail(new Error('connection ended')));
    client.on('notification', (msg) => {
      const n = parse(msg.channel, msg.payload);
      if (!n) {
        this.logger.warn(`ignored a malformed notice on ${msg.channel}`);
        return;
      }
      for (const h of this.handlers) h(n);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${COMPLAINT_UPDATED_CHANNEL}`);
      await client.query(`LISTEN ${ESCALATION_RAISED_CHANNEL}`);
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      if (this.retryMs > FIRST_RETRY_MS) this.logger.log('change notices restored');
      this.retryMs = FIRST_RETRY_MS;
    } catch (err) {
      fail(err);
    }
  }

  /** For tests and health: whether the listening connection is up. */
  get listening(): boolean {
    return this.client !== null;
  }
}
