import type { EntityManager } from 'typeorm';
import { DEFAULT_TEMPLATES, MESSAGE_KINDS } from '../../domain/src/notifications/template.util';
import type { MessageKind } from '../../domain/src/notifications/template.util';
import { MessageTemplateEntity } from './entities/message-template.entity';
import { TenantSource, inTenant } from './tenant-transaction';

/** A template version as messages use it: the tenant's newest of its kind, or the built-in default (version 0). */
export interface MessageTemplateVersion {
  kind: MessageKind;
  /** 0: the built-in default; 1, 2, …: the tenant's own, in the order they were saved. */
  version: number;
  subject: string | null;
  body: string;
  isDefault: boolean;
  createdBy: string | null;
  /** Null for the default. */
  createdAt: Date | null;
}

/** What a save did: the version now current, and whether this call wrote it. */
export interface SavedMessageTemplate {
  template: MessageTemplateVersion;
  created: boolean;
}

const defaultVersion = (kind: MessageKind): MessageTemplateVersion => ({
  kind, version: 0, subject: DEFAULT_TEMPLATES[kind].subject, body: DEFAULT_TEMPLATES[kind].body, isDefault: true, createdBy: null, createdAt: null,
});

const fromRow = (row: MessageTemplateEntity): MessageTemplateVersion => ({
  kind: row.kind as MessageKind, version: row.version, subject: row.subject, body: row.body, isDefault: false, createdBy: row.createdBy,
  createdAt: row.createdAt,
});

const newest = (m: EntityManager, tenantId: string, kind: MessageKind): Promise<MessageTemplateEntity | null> =>
  m.getRepository(MessageTemplateEntity).findOne({ where: { tenantId, kind }, order: { version: 'DESC' } });

/**
 * A tenant's message templates, versioned like its policy: a save adds a version, nothing is ever
 * changed or deleted, and each kind's newest version is the current one (the built-in Chinese
 * default, version 0, until the tenant saves its own). Every call runs in the tenant's transaction,
 * or joins the one `source` is (the worker renders inside its projection's transaction).
 */
export class MessageTemplateRepository {
  constructor(private readonly source: TenantSource) {}

  /** The template messages of this kind are rendered with now. */
  current(tenantId: string, kind: MessageKind): Promise<MessageTemplateVersion> {
    return inTenant(this.source, tenantId, async (m) => {
      const row = await newest(m, tenantId, kind);
      return row ? fromRow(row) : defaultVersion(kind);
    });
  }

  /** The current template of every kind, in MESSAGE_KINDS order (defaults where the tenant has none). */
  list(tenantId: string): Promise<MessageTemplateVersion[]> {
    return inTenant(this.source, tenantId, async (m) => {
      const rows = await m.getRepository(MessageTemplateEntity).createQueryBuilder('t')
        .distinctOn(['t.kind']).where('t.tenant_id = :tenantId', { tenantId })
        .orderBy('t.kind').addOrderBy('t.version', 'DESC').getMany();
      const byKind = new Map(rows.map((r) => [r.kind, r]));
      return MESSAGE_KINDS.map((kind) => {
        const row = byKind.get(kind);
        return row ? fromRow(row) : defaultVersion(kind);
      });
    });
  }

  /**
   * Saves the next version of the kind's template (the caller has validated it). Saves of one kind
   * take turns under a transaction lock, so concurrent saves get consecutive versions. A save of
   * exactly the current subject and body writes nothing and returns the current version: a retried
   * request (the same requestId) never adds a second version.
   */
  save(tenantId: string, kind: MessageKind, subject: string | null, body: string, actorId: string | null): Promise<SavedMessageTemplate> {
    return inTenant(this.source, tenantId, async (m) => {
      await m.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${tenantId}:message-template:${kind}`]);
      const current = await newest(m, tenantId, kind);
      if (current && current.subject === subject && current.body === body) return { template: fromRow(current), created: false };
      const row: MessageTemplateEntity = {
        tenantId, kind, version: (current?.version ?? 0) + 1, subject, body, createdBy: actorId, createdAt: new Date(),
      };
      await m.getRepository(MessageTemplateEntity).insert(row);
      return { template: fromRow(row), created: true };
    });
  }
}

/** The kind's current template, read inside a tenant transaction (the worker's projection renders the outbox's messages with it). */
export function currentTemplate(m: EntityManager, tenantId: string, kind: MessageKind): Promise<MessageTemplateVersion> {
  return new MessageTemplateRepository(m).current(tenantId, kind);
}
