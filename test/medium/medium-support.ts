/**
 * The medium tier: repositories and activities against the REAL PostgreSQL of the test run (one
 * database per test file, every migration applied), without Temporal or the gateway.
 */
import { randomUUID } from 'crypto';
import type { DataSource } from 'typeorm';
import type { RegisterComplaintArgs } from '../../apps/worker/src/activities/complaint.activities.types';
import { defaultBranchCalendar } from '../../libs/domain/src/calendar/china-holidays.util';
import { createDataSource } from '../../libs/persistence/src/data-source';
import type { ComplaintState, TimelineEventRecord } from '../../workflows/shared/complaint.types';
import { createTestDatabase } from '../support/database';
import type { SeededOrganisation } from '../support/seed-sql';

export { insertBranch, insertOrganisation } from '../support/seed-sql';
export type { SeededOrganisation } from '../support/seed-sql';

export interface MediumDatabase {
  /** The owner's connection: seeding and inspecting (row-level security does not apply). */
  db: DataSource;
  /** The application role's connection, as the gateway and the worker have it (row-level security applies). */
  app: DataSource;
  url: string;
  appUrl: string;
  close(): Promise<void>;
}

/** A fresh migrated database with a DataSource as its owner and one as the application role. */
export async function openDatabase(label: string): Promise<MediumDatabase> {
  const database = await createTestDatabase(label);
  const db = await createDataSource(database.url).initialize();
  const app = await createDataSource(database.appUrl).initialize();
  return {
    db, app, url: database.url, appUrl: database.appUrl,
    close: async () => {
      await app.destroy();
      await db.destroy();
      await database.drop();
    },
  };
}

/** The workflow state right after intake (what the workflow hands registration). */
export function initialState(overrides: Partial<ComplaintState> = {}): ComplaintState {
  return {
    reference: null, status: 'RECEIVED', round: 1, category: 'PROPERTY_MANAGEMENT', severity: 'GENERAL', validity: 'UNDETERMINED',
    responsibility: 'UNDETERMINED', assigneeId: null, acknowledgedAt: null, resolvedAt: null, closedAt: null, satisfied: null,
    lastCallbackMethod: null, deadlines: [], seq: 1, followUpsSinceDispatch: 0, assigneeIsContractor: false, specialReport: null,
    calendar: defaultBranchCalendar(), ...overrides,
  };
}

export function event(seq: number, type: string, data: Record<string, unknown> = {}, actor: string | null = 'system', at = Date.now()): TimelineEventRecord {
  return { seq, at, type, actor, data };
}

/** Registration arguments for a new complaint of `org` (first contact: the org's first user). */
export function registerArgs(
  org: SeededOrganisation,
  opts: { complaintId?: string; branchId?: string; branchCode?: string; receivedAt?: number; description?: string; idempotencyKey?: string } = {},
): RegisterComplaintArgs {
  const complaintId = opts.complaintId ?? randomUUID();
  const receivedAt = opts.receivedAt ?? Date.now();
  const firstContact = Object.values(org.users)[0];
  if (!firstContact) throw new Error('the organisation needs at least one user (the first contact)');
  return {
    tenantId: org.tenantId,
    complaintId,
    policyVersion: 1,
    severity: 'GENERAL',
    intake: {
      idempotencyKey: opts.idempotencyKey ?? `key-${complaintId}`,
      branchId: opts.branchId ?? org.branchId,
      companyId: org.companyId,
      branchCode: opts.branchCode ?? org.branchCode,
      channel: 'PHONE', kind: 'COMPLAINT', category: 'PROPERTY_MANAGEMENT',
      description: opts.description ?? 'The lift in building 3 has been out of order for three days',
      demand: null, location: 'Building 3', complainant: { name: '张女士', phone: '13800138000', unit: '3-1202' },
      householdsAffected: 1, lossAmountYuan: null, injury: false, mediaExposure: false, litigation: false, emergency: false,
      receivedAt, firstContactOwnerId: firstContact,
    },
    state: initialState(),
    events: [event(1, 'RECEIVED', { channel: 'PHONE' }, firstContact, receivedAt)],
  };
}

/** A complaint's row (the columns these tests look at) and its timeline. */
export async function complaintRow(db: DataSource, complaintId: string): Promise<{ reference: string; status: string; last_seq: number; overdue: boolean } | undefined> {
  const [r] = await db.query(`SELECT reference, status, last_seq, overdue FROM complaints WHERE id = $1`, [complaintId]);
  return r;
}

export async function timelineOf(db: DataSource, complaintId: string): Promise<{ seq: number; type: string; data: Record<string, unknown> }[]> {
  return db.query(`SELECT seq, type, data FROM complaint_events WHERE complaint_id = $1 ORDER BY seq`, [complaintId]);
}

/** Runs `fn` and returns what it threw (fails when it did not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}
