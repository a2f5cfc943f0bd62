import type { EntityManager } from 'typeorm';
import type { ChannelCredentials, MessageChannel } from '../../notifications/src/channel';
import { CredentialCipher, credentialContext, defaultCredentialCipher } from '../../notifications/src/credential-cipher';
import { TenantSource, inTenant, requireTenant } from './tenant-transaction';

/** A tenant's credentials of one channel, decrypted, with who set them and when. */
export interface StoredChannelCredentials {
  channel: MessageChannel;
  credentials: ChannelCredentials;
  updatedAt: Date;
  updatedBy: string | null;
}

interface Row {
  channel: MessageChannel;
  config: Buffer;
  updated_at: Date;
  updated_by: string | null;
}

/**
 * Each tenant's channel credentials (`channel_credentials`), encrypted at rest with the
 * credentials key (AES-256-GCM, bound to the tenant and channel). Every call takes the tenant id
 * first and runs in that tenant's transaction (row-level security), like the scoped repositories.
 * Decrypted values are returned to the caller only: never log them.
 */
export class ChannelCredentialsRepository {
  constructor(
    private readonly source: TenantSource,
    // Resolved when the repository is made: without CREDENTIALS_KEY in production, the process refuses to start.
    private readonly cipher: CredentialCipher = defaultCredentialCipher(),
  ) {}

  withManager(manager: EntityManager): ChannelCredentialsRepository {
    return new ChannelCredentialsRepository(manager, this.cipher);
  }

  /** The channel's credentials, decrypted; null when the tenant has not configured it. Throws CredentialDecryptError on a wrong key. */
  async get(tenantId: string, channel: MessageChannel): Promise<ChannelCredentials | null> {
    return (await this.getStored(tenantId, channel))?.credentials ?? null;
  }

  async getStored(tenantId: string, channel: MessageChannel): Promise<StoredChannelCredentials | null> {
    requireTenant(tenantId);
    const rows = await inTenant(this.source, tenantId, (m) => m.query(
      `SELECT channel, config, updated_at, updated_by FROM channel_credentials WHERE tenant_id = $1 AND channel = $2`, [tenantId, channel],
    ) as Promise<Row[]>);
    return rows.length ? this.open(tenantId, rows[0]) : null;
  }

  /** Every configured channel of the tenant, decrypted. */
  async list(tenantId: string): Promise<StoredChannelCredentials[]> {
    requireTenant(tenantId);
    const rows = await inTenant(this.source, tenantId, (m) => m.query(
      `SELECT channel, config, updated_at, updated_by FROM channel_credentials WHERE tenant_id = $1 ORDER BY channel`, [tenantId],
    ) as Promise<Row[]>);
    return rows.map((r) => this.open(tenantId, r));
  }

  /** Stores (replaces) the tenant's credentials of `credentials.channel`. */
  async put(tenantId: string, credentials: ChannelCredentials, updatedBy: string | null): Promise<StoredChannelCredentials> {
    requireTenant(tenantId);
    const sealed = this.cipher.encrypt(credentials, credentialContext(tenantId, credentials.channel));
    const rows = await inTenant(this.source, tenantId, (m) => m.query(
      `INSERT INTO channel_credentials (tenant_id, channel, config, updated_by, updated_at) VALUES ($1, $2, $3, $4, now())
       ON CONFLICT (tenant_id, channel) DO UPDATE SET config = EXCLUDED.config, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
       RETURNING updated_at`,
      [tenantId, credentials.channel, sealed, updatedBy],
    ) as Promise<{ updated_at: Date }[]>);
    return { channel: credentials.channel, credentials, updatedAt: rows[0].updated_at, updatedBy };
  }

  private open(tenantId: string, row: Row): StoredChannelCredentials {
    const credentials = this.cipher.decrypt(row.config, credentialContext(tenantId, row.channel)) as ChannelCredentials;
    if (credentials.channel !== row.channel) throw new Error(`stored ${row.channel} credentials are of another channel`);
    return { channel: row.channel, credentials, updatedAt: row.updated_at, updatedBy: row.updated_by };
  }
}
