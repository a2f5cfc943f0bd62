import { ApplicationFailure } from '@temporalio/activity';
import { DataSource, EntityManager } from 'typeorm';
import { tenantTransaction } from '../../../../libs/persistence/src/tenant-transaction';
import { notifyComplaintUpdated } from '../../../../libs/persistence/src/notifications';
import { upsertReportFacts } from '../../../../libs/persistence/src/report-facts.writer';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ComplaintEntity, ComplaintEventEntity } from '../../../../libs/persistence/src/entities';
import { complaintProjection, complaintRowAtIntake, timelineRows } from '../../../../libs/persistence/src/projections/complaint.projection';
import { complaintWorkflowId } from '../../../../workflows/shared/ids';
import type { ComplaintProjection, ProjectionFailureRecord } from '../../../../workflows/shared/complaint.types';
import type { ComplaintActivities, ComplaintAnalysis, RegisterComplaintArgs } from './complaint.activities.types';
import { writeFailure } from './write-failure.util';
import { workerLogger } from '../observability/logger';
import { textAnalyzer } from '../../../../libs/text/src/text-analyzer';
import { plannedMessages } from '../../../../libs/domain/src/notifications/message-plan.util';
import { statusLinkSettings, type StatusLinkSettings } from '../../../../libs/domain/src/notifications/status-link.util';
import { queueCustomerMessages } from './customer-messages';

// One formatter per time zone: building an Intl.DateTimeFormat costs far more than formatting with one.
const yearFormats = new Map<string, Intl.DateTimeFormat>();

function localYear(ms: number, timezone: string): number {
  let format = yearFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en', { timeZone: timezone, year: 'numeric' });
    yearFormats.set(timezone, format);
  }
  return Number(format.format(new Date(ms)));
}

/**
 * TypeORM's insert type cannot express the events' free-form jsonb `data` (Record<string, unknown>);
 * the rows are the entity's own properties, so this only widens the type.
 */
const asInsertable = (rows: Partial<ComplaintEventEntity>[]): QueryDeepPartialEntity<ComplaintEventEntity>[] =>
  rows as QueryDeepPartialEntity<ComplaintEventEntity>[];

/**
 * The complaint workflow's side effects: thin and idempotent. Every write is keyed by the
 * complaint id and the workflow's event sequence, so a retried activity never duplicates anything.
 */
export class ComplaintActivitiesService implements ComplaintActivities {
  /** `links`: how the status links in messages are signed (the gateway checks them with the same settings). */
  constructor(private readonly dataSource: DataSource, private readonly links: StatusLinkSettings = statusLinkSettings(process.env)) {}

  async registerComplaint(args: RegisterComplaintArgs): Promise<{ reference: string }> {
    try {
      return await this.register(args);
    } catch (err) {
      throw writeFailure(err, { complaintId: args.complaintId, reference: null, step: 'registerComplaint' });
    }
  }

  private async register(args: RegisterComplaintArgs): Promise<{ reference: string }> {
    const { tenantId, complaintId, intake } = args;
    return tenantTransaction(this.dataSource, tenantId, async (m) => {
      // Two attempts at once (a timed-out attempt still running when its retry starts) take turns
      // here, so the second sees the first one's row instead of failing on its primary key.
      await m.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`register:${complaintId}`]);
      // A retry after a commit whose acknowledgement was lost: the row and its events are there.
      // (After the lock, in a statement of its own: its snapshot must see the other attempt's commit.)
      const [found] = await m.query(
        `SELECT (SELECT reference FROM complaints WHERE id = $1 AND tenant_id = $2) AS existing,
                (SELECT json_build_object('code', code, 'timezone', timezone) FROM branches WHERE id = $3 AND tenant_id = $2) AS branch,
                (SELECT coalesce(array_agg(term ORDER BY term), '{}') FROM text_terms WHERE tenant_id = $2) AS terms`,
        [complaintId, tenantId, intake.branchId],
      ) as { existing: string | null; branch: { code: string; timezone: string } | null; terms: string[] }[];
      if (found.existing !== null) return { reference: found.existing };
      const { branch } = found;
      if (!branch) throw ApplicationFailure.nonRetryable(`branch ${intake.branchId} not found`, 'NOT_FOUND');
      const year = localYear(intake.receivedAt, branch.timezone);
      // The row goes in under a provisional reference (its own id: unique, and never a reference's
      // shape) and gets its number last. The counter row stays locked from its upsert until commit,
      // and every intake of the branch queues on it: taking it last keeps the queue to one statement
      // and the commit instead of the whole registration.
      const row = complaintRowAtIntake({
        tenantId, complaintId, reference: complaintId, workflowId: complaintWorkflowId(tenantId, complaintId), severity: args.severity,
        policyVersion: args.policyVersion, intake,
      });
      // What text search finds it by (segmented here: PostgreSQL's parser knows no Chinese), with the tenant's own terms.
      row.searchVector = textAnalyzer().searchVector({
        complainantName: intake.complainant.name, description: intake.description, location: intake.location, demand: intake.demand,
      }, found.terms);
      await m.createQueryBuilder().insert().into(ComplaintEntity).values(row).updateEntity(false).execute();
      await this.applyProjection(m, args, { registering: true });
      // A rolled-back intake gives its number back: references have neither gaps nor duplicates.
      // TypeORM answers an UPDATE with [rows, affected].
      const [[numbered]] = await m.query(
        `WITH n AS (
           INSERT INTO reference_counters (tenant_id, branch_id, year, last) VALUES ($1, $2, $3, 1)
           ON CONFLICT (tenant_id, branch_id, year) DO UPDATE SET last = reference_counters.last + 1
           RETURNING last)
         , r AS (SELECT $4 || '-' || $3::text || '-' || lpad(n.last::text, greatest(6, length(n.last::text)), '0') AS reference FROM n)
         UPDATE complaints c SET reference = r.reference,
           search_vector = coalesce(c.search_vector, ''::tsvector) || reference_lexemes(r.reference) || search_time_lexemes(c.tenant_id, c.received_at)
           FROM r WHERE c.id = $5 AND c.tenant_id = $1
         RETURNING c.reference`,
        [tenantId, intake.branchId, year, branch.code, complaintId],
      ) as [{ reference: string }[], number];
      if (!numbered) throw new Error(`registerComplaint: the row of complaint ${complaintId} was not found to number it`);
      // 件件有回音: the acknowledgement with the reference, queued in the registration's own transaction.
      await queueCustomerMessages(m, tenantId, complaintId, [{ kind: 'ACKNOWLEDGEMENT', seq: 0, meets: [], dueAt: null }], Date.now(), this.links);
      return { reference: numbered.reference };
    });
  }

  async persistComplaint(p: ComplaintProjection): Promise<void> {
    try {
      await tenantTransaction(this.dataSource, p.tenantId, (m) => this.applyProjection(m, p));
    } catch (err) {
      throw writeFailure(err, { complaintId: p.complaintId, reference: p.state?.reference, step: 'persistComplaint' });
    }
  }

  /**
   * A write that failed for good: an ALERT line (ids, reference and codes only) and, when the
   * complaint has a row, the PROJECTION_FAILED event on its timeline (seq from the workflow).
   */
  async recordProjectionFailure(r: ProjectionFailureRecord): Promise<void> {
    workerLogger().error(
      { alert: true, tenantId: r.tenantId, complaintId: r.complaintId, step: r.step, failureType: r.failureType },
      `ALERT complaint write failed for good: tenant ${r.tenantId} complaint ${r.complaintId} reference ${r.reference ?? '(not registered)'}`
      + ` step ${r.step} type ${r.failureType}: ${r.failureMessage}`,
    );
    const e = r.event;
    if (!e) return;
    try {
      // Only on a registered complaint's timeline (rows are never deleted, so the check cannot go stale).
      await tenantTransaction(this.dataSource, r.tenantId, async (m) => {
        if (!(await m.exists(ComplaintEntity, { where: { id: r.complaintId, tenantId: r.tenantId } }))) return;
        await m.createQueryBuilder().insert().into(ComplaintEventEntity)
          .values(asInsertable(timelineRows(r.tenantId, r.complaintId, [e]))).orIgnore().updateEntity(false).execute();
      });
    } catch (err) {
      throw writeFailure(err, { complaintId: r.complaintId, reference: r.reference, step: 'recordProjectionFailure' });
    }
  }

  /**
   * Timeline events (once each, by seq) and the row's projection (only a newer seq overwrites it).
   * `registering`: the row was inserted in this transaction, so it has no report facts yet.
   */
  private async applyProjection(m: EntityManager, p: ComplaintProjection, opts: { registering?: boolean } = {}): Promise<void> {
    if (p.events.length > 0) {
      // ON CONFLICT DO NOTHING: the (complaint_id, seq) primary key makes a retried write a no-op.
      await m.createQueryBuilder().insert().into(ComplaintEventEntity)
        .values(asInsertable(timelineRows(p.tenantId, p.complaintId, p.events))).orIgnore().updateEntity(false).execute();
    }
    // last_seq guards against an out-of-order retry overwriting a newer projection.
    const written = await m.createQueryBuilder().update(ComplaintEntity)
      .set(complaintProjection(p.state, p.events, new Date()))
      .where('id = :id AND tenant_id = :t AND last_seq < :seq', { id: p.complaintId, t: p.tenantId, seq: p.state.seq })
      .returning('branch_id')
      .updateEntity(false)
      .execute();
    // Live updates: delivered by PostgreSQL when this transaction commits (never for a rolled-back or
    // stale write); ids only, each gateway re-reads the row under its subscribers' scope.
    const row = (written.raw as { branch_id?: string }[] | undefined)?.[0];
    // The reporting facts, in the same transaction (idempotent; a write older than the stored one is ignored).
    await upsertReportFacts(m, p.tenantId, p.complaintId, p.state, p.events, { firstWrite: opts.registering === true });
    if (row?.branch_id) await notifyComplaintUpdated(m, { tenantId: p.tenantId, complaintId: p.complaintId, branchId: row.branch_id, seq: p.state.seq });
    // The messages to the customer this step calls for (the outbox), in the same transaction; none for a stale write.
    const planned = opts.registering || !row ? [] : plannedMessages(p.events, true);
    if (planned.length) await queueCustomerMessages(m, p.tenantId, p.complaintId, planned, Date.now(), this.links);
  }

  async analyseComplaint(args: { tenantId: string; complaintId: string }): Promise<ComplaintAnalysis> {
    const events: { type: string; at: Date; data: Record<string, unknown> }[] = await tenantTransaction(this.dataSource, args.tenantId, (m) => m.query(
      `SELECT type, at, data FROM complaint_events WHERE complaint_id = $1 AND tenant_id = $2 ORDER BY seq`,
      [args.complaintId, args.tenantId],
    ));
    const first = (type: string): number | null => {
      const e = events.find((x) => x.type === type);
      return e ? new Date(e.at).getTime() : null;
    };
    const last = (type: string): number | null => {
      const list = events.filter((x) => x.type === type);
      return list.length ? new Date(list[list.length - 1].at).getTime() : null;
    };
    const received = first('RECEIVED');
    const since = (t: number | null): number | null => (t === null || received === null ? null : t - received);
    const reopenCount = events.filter((e) => e.type === 'REOPENED').length;
    return {
      rounds: reopenCount + 1,
      reopenCount,
      msToDispatch: since(first('DISPATCHED')),
      msToResolve: since(last('RESOLVED')),
      msToCallback: since(last('CALLBACK')),
      deadlinesMet: events.filter((e) => e.type === 'DEADLINE_MET').length,
      deadlinesBreached: events.filter((e) => e.type === 'DEADLINE_BREACHED').length,
    };
  }
}

/** The plain object of functions Temporal registers (methods bound to the service). */
export function complaintActivities(service: ComplaintActivitiesService): ComplaintActivities {
  return {
    registerComplaint: service.registerComplaint.bind(service),
    persistComplaint: service.persistComplaint.bind(service),
    analyseComplaint: service.analyseComplaint.bind(service),
    recordProjectionFailure: service.recordProjectionFailure.bind(service),
  };
}
