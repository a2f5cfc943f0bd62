import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ChangeListener, ChangeNotice, listenForChanges } from '../../../../../libs/persistence/src/notifications';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';

export type { ChangeNotice } from '../../../../../libs/persistence/src/notifications';

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

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
  private listener: ChangeListener | null = null;
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
    const l = this.listener;
    this.listener = null;
    await l?.close();
  }

  /** Registers a handler; returns its removal. */
  onNotice(handler: (n: ChangeNotice) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const retry = (err: unknown): void => {
      this.listener = null;
      if (this.stopped) return;
      this.logger.warn(`change notices interrupted (${err instanceof Error ? err.message : String(err)}); reconnecting in ${this.retryMs} ms`);
      this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    };
    const onNotice = (n: ChangeNotice | null, channel: string): void => {
      if (!n) {
        this.logger.warn(`ignored a malformed notice on ${channel}`);
        return;
      }
      for (const h of this.handlers) h(n);
    };
    let listener: ChangeListener;
    try {
      listener = await listenForChanges(this.config.databaseUrl, onNotice, retry);
    } catch (err) {
      retry(err);
      return;
    }
    if (this.stopped) {
      await listener.close();
      return;
    }
    this.listener = listener;
    if (this.retryMs > FIRST_RETRY_MS) this.logger.log('change notices restored');
    this.retryMs = FIRST_RETRY_MS;
  }

  /** For tests and health: whether the listening connection is up. */
  get listening(): boolean {
    return this.listener !== null;
  }
}
