import { EntityManager } from 'typeorm';
import { complainantKey, householdKey } from '../../domain/src/matter/matter.util';
import type { MatterMember } from '../../domain/src/matter/matter.util';
import { TenantSource, inTenant } from './tenant-transaction';

export interface MatterLinkRequest {
  complaintId: string;
  otherId: string;
  actorId: string;
  requestId: string | null;
  /** The id a new matter gets (derived from the pair by the caller, so a retry creates the same one). */
  newMatterId: string;
  /** The policy's same-matter window, for the counts the matter shows. */
  windowMs: number;
}

export interface MatterLinkResult {
  matterId: string;
  /** True when this call created the matter (its workflow starts with this call's thresholds). */
  created: boolean;
  /** Every member of the resulting matter, as the counting rules see them (the workflow ignores those it has). */
  members: MatterMember[];
  /** A matter merged into `matterId` by this link, if any. */
  mergedMatterId: string | null;
}

interface ComplaintKeys {
  id: string;
  branch_id: string;
  category: string;
  matter_id: string | null;
  complainant_name: string;
  complainant_phone: string | null;
  complainant_unit: string | null;
  location: string | null;
  households_affected: number;
  received_at: Date;
}

/**
 * The membership of same-matter groups, written in one tenant transaction per link: both complaint
 * rows locked, the matter created, joined or merged (the older matter survives, the other is marked
 * merged into it), memberships and `complaints.matter_id` kept in step, the counts recomputed.
 * Linking two complaints already in one matter changes nothing, so a retry is harmless.
 */
export class MatterRepository {
  constructor(private readonly source: TenantSource) {}

  link(tenantId: string, req: MatterLinkRequest): Promise<MatterLinkResult> {
    return inTenant(this.source, tenantId, (m) => this.linkIn(m, tenantId, req));
  }

  private async linkIn(m: EntityManager, tenantId: string, req: MatterLinkRequest): Promise<MatterLinkResult> {
    const rows: ComplaintKeys[] = await m.query(
      `SELECT id, branch_id, category, matter_id, complainant_name, complainant_phone, complainant_unit, location,
              households_affected, received_at
         FROM complaints WHERE tenant_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE`,
      [tenantId, [req.complaintId, req.otherId]],
    );
    if (rows.length !== 2) throw new Error('both complaints must exist');
    const [a, b] = rows;
    let created = false;
    let mergedMatterId: string | null = null;
    let matterId: string;
    if (a.matter_id && b.matter_id && a.matter_id !== b.matter_id) {
      // Two matters become one: the older survives and takes the other's complaints.
      const ms: { id: string }[] = await m.query(
        `SELECT id FROM matters WHERE tenant_id = $1 AND id = ANY($2::uuid[]) ORDER BY created_at, id FOR UPDATE`,
        [tenantId, [a.matter_id, b.matter_id]],
      );
      matterId = ms[0].id;
      mergedMatterId = ms[1].id;
      await m.query(`UPDATE matter_complaints SET matter_id = $2 WHERE tenant_id = $1 AND matter_id = $3`, [tenantId, matterId, mergedMatterId]);
      await m.query(`UPDATE complaints SET matter_id = $2 WHERE tenant_id = $1 AND matter_id = $3`, [tenantId, matterId, mergedMatterId]);
      await m.query(`UPDATE matters SET merged_into_id = $2 WHERE tenant_id = $1 AND id = $3`, [tenantId, matterId, mergedMatterId]);
    } else if (a.matter_id || b.matter_id) {
      matterId = (a.matter_id ?? b.matter_id) as string;
    } else {
      matterId = req.newMatterId;
      const inserted: unknown[] = await m.query(
        `INSERT INTO matters (id, tenant_id, branch_id, category, created_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [matterId, tenantId, a.branch_id, a.category, req.actorId],
      );
      created = inserted.length > 0;
    }
    for (const c of [a, b]) {
      if (c.matter_id === matterId) continue;
      await m.query(
        `INSERT INTO matter_complaints (matter_id, complaint_id, tenant_id, complainant_key, household_key, households_affected,
                                        received_at, linked_by, link_request_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, complaint_id) DO UPDATE SET matter_id = EXCLUDED.matter_id`,
        [matterId, c.id, tenantId, complainantKey({ name: c.complainant_name, phone: c.complainant_phone, unit: c.complainant_unit }),
          householdKey({ unit: c.complainant_unit, location: c.location }), c.households_affected, c.received_at, req.actorId, req.requestId],
      );
      await m.query(`UPDATE complaints SET matter_id = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, c.id, matterId]);
    }
    // The counts the matter shows, within the window of its newest complaint (the workflow counts the same way).
    await m.query(
      `WITH w AS (
         SELECT mc.* FROM matter_complaints mc WHERE mc.tenant_id = $1 AND mc.matter_id = $2
            AND mc.received_at >= (SELECT max(received_at) FROM matter_complaints WHERE tenant_id = $1 AND matter_id = $2) - make_interval(secs => $3::double precision / 1000))
       UPDATE matters SET complaint_count = (SELECT count(*) FROM w),
              distinct_complainants = (SELECT count(DISTINCT complainant_key) FROM w),
              distinct_households = (SELECT count(DISTINCT household_key) FROM w)
        WHERE tenant_id = $1 AND id = $2`,
      [tenantId, matterId, req.windowMs],
    );
    const members: { complaint_id: string; complainant_key: string; household_key: string | null; households_affected: number; received_at: Date }[] = await m.query(
      `SELECT complaint_id, complainant_key, household_key, households_affected, received_at
         FROM matter_complaints WHERE tenant_id = $1 AND matter_id = $2 ORDER BY received_at DESC, complaint_id LIMIT 5000`,
      [tenantId, matterId],
    );
    return {
      matterId, created, mergedMatterId,
      members: members.map((r) => ({
        complaintId: r.complaint_id, complainantKey: r.complainant_key, householdKey: r.household_key,
        householdsAffected: r.households_affected, receivedAt: new Date(r.received_at).getTime(),
      })),
    };
  }
}
