import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  buildingOf, matterWindowMs, normaliseMatterText,
} from '../../../../../libs/domain/src/matter/matter.util';
import { complaintView, isStaffOf } from '../../../../../libs/domain/src/permissions/permission.util';
import { ComplaintEntity, MatterEntity } from '../../../../../libs/persistence/src/entities';
import { MatterRepository } from '../../../../../libs/persistence/src/matter.repository';
import { TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { matterWorkflowId } from '../../../../../workflows/shared/ids';
import { MatterWorkflowInput, complaintLinkedSignal } from '../../../../../workflows/shared/matter';
import { tenantSearchAttributes } from '../../../../../workflows/shared/search-attributes';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { BadUserInputError, ForbiddenError, NotFoundError, UnavailableError } from '../../common/app-error';
import { InjectDataSource } from '../../common/database.provider';
import { uuidV5 } from '../../common/deterministic-id.util';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { isDeadlineExceeded, isInfrastructureFailure } from '../../common/infrastructure-errors';
import { TemporalClientProvider } from '../../common/temporal.provider';
import { TenantWriteBudget } from '../../common/write-budget';
import { ComplaintDto } from '../../complaints/dtos/complaint.dto';
import { assertTenantWorkflow } from '../../complaints/services/complaint-engine.service';
import { inComplaintScopeOf, toDto } from '../../complaints/services/complaints.service';
import { PolicyService } from '../../policy/services/policy.service';
import { TextService } from '../../text/services/text.service';
import { textAnalyzer } from '../../../../../libs/text/src/text-analyzer';
import { rankSameMatter, type SameMatterText } from '../../../../../libs/text/src/same-matter';
import { MatterCandidateDto, MatterDto } from '../dtos/matter.dto';
import { LinkSameMatterArgs } from '../dtos/matter.input';

// Namespace of matter ids derived from (tenant, the first pair linked): a retried first link creates the same matter.
const MATTER_ID_NAMESPACE = '8e4f1c2a-3b5d-4e6f-8a7b-9c0d1e2f3a4b';
// The most complaints `matter(id)` lists.
const MAX_MATTER_COMPLAINTS = 500;
const DAY_MS = 24 * 3600 * 1000;

// The same normalisation as normaliseMatterText (NFKC, lower case, no white space), in SQL.
const norm = (col: string): string => `lower(regexp_replace(normalize(coalesce(${col}, ''), NFKC), '\\s+', '', 'g'))`;

// The most complaints one candidates call ranks (the nearest in time of those sharing a link or a word).
const MATTER_POOL = 200;
// The most words of the source a pool is drawn by.
const POOL_WORDS = 24;

/** The text a complaint's matter is judged by: what happened, what is wanted, where. */
const matterText = (c: ComplaintEntity): string => [c.description, c.demand, c.location].filter(Boolean).join('\n');

const asMatterText = (c: ComplaintEntity): SameMatterText => ({
  id: c.id, unit: c.complainantUnit, location: c.location, text: matterText(c), receivedAt: c.receivedAt.getTime(),
});

/** "2 days apart", "5 hours apart", "same day". */
function apart(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= DAY_MS) return `${Math.round(abs / DAY_MS)} day${Math.round(abs / DAY_MS) === 1 ? '' : 's'} apart`;
  const h = Math.round(abs / 3600_000);
  return h >= 1 ? `${h} hour${h === 1 ? '' : 's'} apart` : 'less than an hour apart';
}

/** Same-matter groups: candidates for a complaint, linking two complaints, reading a matter. */
@Injectable()
export class MattersService {
  private readonly complaints: TenantScopedRepository<ComplaintEntity>;
  private readonly matters: TenantScopedRepository<MatterEntity>;
  private readonly links: MatterRepository;

  constructor(
    @InjectDataSource() ds: DataSource,
    private readonly policies: PolicyService,
    private readonly temporal: TemporalClientProvider,
    private readonly budget: TenantWriteBudget,
    private readonly text: TextService,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.complaints = new TenantScopedRepository(ds, ComplaintEntity);
    this.matters = new TenantScopedRepository(ds, MatterEntity);
    this.links = new MatterRepository(ds);
  }

  /** A complaint the caller may see (the complaints' own scope filter), else NOT_FOUND. */
  private async visible(p: Principal, id: string): Promise<ComplaintEntity> {
    const c = await this.complaints.read(tenantOf(p), 'c', (qb) => inComplaintScopeOf(p, qb).andWhere('c.id = :id', { id }).getOne());
    if (!c) throw new NotFoundError('complaint');
    return c;
  }

  /**
   * Complaints that may be the same matter as `source`: same branch and category, received within
   * the policy's window either side, only what the caller may see; a pool of those sharing its unit,
   * building or place or any of its words (the GIN index), ranked by meaning (rankSameMatter: text
   * similarity, the structural link, closeness in time), with the reason in words.
   */
  async candidates(p: Principal, source: ComplaintDto, first: number): Promise<MatterCandidateDto[]> {
    if (source.view !== 'FULL') return [];
    const tenantId = tenantOf(p);
    const s = await this.visible(p, source.id);
    const policy = await this.policies.policy(tenantId, s.policyVersion);
    const windowMs = matterWindowMs(policy.document.severity);
    const unit = normaliseMatterText(s.complainantUnit);
    const building = buildingOf(s.complainantUnit);
    const place = normaliseMatterText(s.location);
    const analyzer = textAnalyzer();
    const terms = await this.text.tenantTerms(tenantId);
    const words = analyzer.anyWordQuery(analyzer.analyse(matterText(s), terms), POOL_WORDS);
    if (!unit && !building && !place && !words) return [];
    const sameUnit = `(:unit::text IS NOT NULL AND ${norm('c.complainantUnit')} = :unit)`;
    const sameBuilding = `(:building::text IS NOT NULL AND position('-' in ${norm('c.complainantUnit')}) > 1 AND split_part(${norm('c.complainantUnit')}, '-', 1) = :building)`;
    const samePlace = `(:place::text IS NOT NULL AND ${norm('c.location')} = :place)`;
    const sameWords = words ? 'c.search_vector @@ CAST(:words AS tsquery)' : 'FALSE';
    const pool = await this.complaints.read(tenantId, 'c', (qb) => inComplaintScopeOf(p, qb)
      .andWhere('c.branchId = :branchId AND c.category = :category', { branchId: s.branchId, category: s.category })
      .andWhere('c.receivedAt BETWEEN :from AND :to', { from: new Date(s.receivedAt.getTime() - windowMs), to: new Date(s.receivedAt.getTime() + windowMs) })
      .andWhere('c.id <> :sid', { sid: s.id })
      .andWhere(`c.status <> 'MERGED'`)
      .andWhere(s.matterId ? '(c.matterId IS NULL OR c.matterId <> :mid)' : 'TRUE', { mid: s.matterId })
      .andWhere(`(${sameUnit} OR ${sameBuilding} OR ${samePlace} OR ${sameWords})`, { unit, building, place, words })
      .orderBy(`CASE WHEN ${sameUnit} THEN 3 WHEN ${samePlace} THEN 2 WHEN ${sameBuilding} THEN 1 ELSE 0 END`, 'DESC')
      .addOrderBy(`abs(extract(epoch FROM (c.receivedAt - :at::timestamptz)))`, 'ASC')
      .setParameter('at', s.receivedAt)
      .limit(MATTER_POOL)
      .getMany());
    const byId = new Map(pool.map((c) => [c.id, c]));
    const ranked = rankSameMatter(analyzer, asMatterText(s), pool.map(asMatterText), windowMs, terms).slice(0, first);
    return ranked.map((r) => {
      const c = byId.get(r.id) as ComplaintEntity;
      const what = r.link === 'UNIT' ? `same unit ${c.complainantUnit}`
        : r.link === 'PLACE' ? `same place ${c.location}`
          : r.link === 'BUILDING' ? `same building ${building}` : null;
      const reason = [what, apart(r.apartMs), `${Math.round(r.similarity * 100)} % similar description`].filter(Boolean).join(', ');
      return { complaint: toDto(c, p), score: r.score, reason };
    });
  }

  /**
   * Links two complaints of the same branch and category into one matter (staff of the branch):
   * creates it, joins the other's, or merges two matters (the older survives). Linking what is
   * already linked changes nothing, so the same requestId (or the same link) again applies once.
   * Then tells the matter's workflow (signal-with-start), which counts and may upgrade the matter.
   */
  async link(p: Principal, a: LinkSameMatterArgs): Promise<ComplaintEntity> {
    if (a.id === a.otherId) throw new BadUserInputError([{ field: 'otherId', message: 'otherId must be another complaint' }]);
    const tenantId = tenantOf(p);
    const one = await this.visible(p, a.id);
    const other = await this.visible(p, a.otherId);
    if (!isStaffOf(p, one) || !isStaffOf(p, other)) throw new ForbiddenError('only staff of the branch may link complaints');
    if (one.branchId !== other.branchId || one.category !== other.category) {
      throw new BadUserInputError([{ field: 'otherId', message: 'otherId must be a complaint of the same branch and category' }]);
    }
    await this.budget.take(tenantId);
    const policy = await this.policies.policy(tenantId);
    const thresholds = policy.document.severity;
    const [x, y] = [one.id, other.id].sort();
    const result = await this.links.link(tenantId, {
      complaintId: one.id, otherId: other.id, actorId: p.userId, requestId: a.requestId ?? null,
      newMatterId: uuidV5(MATTER_ID_NAMESPACE, `${tenantId}|${x}|${y}`), windowMs: matterWindowMs(thresholds),
    });
    const workflowId = matterWorkflowId(tenantId, result.matterId);
    assertTenantWorkflow(tenantId, workflowId);
    const input: MatterWorkflowInput = { tenantId, matterId: result.matterId, thresholds };
    try {
      const client = await this.temporal.get();
      await client.withDeadline(Date.now() + this.config.actionTimeoutMs, () => client.workflow.signalWithStart('matterWorkflow', {
        workflowId, taskQueue: this.config.taskQueue, args: [input], typedSearchAttributes: tenantSearchAttributes(tenantId),
        signal: complaintLinkedSignal, signalArgs: [{ tenantId, matterId: result.matterId, members: result.members }],
      }));
    } catch (err) {
      // The link is recorded; the same request again re-sends the members (the workflow counts each once).
      if (isDeadlineExceeded(err) || isInfrastructureFailure(err)) throw new UnavailableError('the complaint engine (Temporal) is unreachable; retry with the same requestId');
      throw err;
    }
    return this.visible(p, one.id);
  }

  /** The matter with the complaints the caller may see; NOT_FOUND when the caller sees none of them. */
  async matter(p: Principal, id: string): Promise<MatterDto> {
    const tenantId = tenantOf(p);
    let m = await this.matters.findOne(tenantId, { id });
    // A merged matter reads as the one it went into.
    for (let hops = 0; m?.mergedIntoId && hops < 10; hops += 1) m = await this.matters.findOne(tenantId, { id: m.mergedIntoId });
    if (!m) throw new NotFoundError('matter');
    const matterId = m.id;
    const rows = await this.complaints.read(tenantId, 'c', (qb) => inComplaintScopeOf(p, qb)
      .andWhere('c.matterId = :matterId', { matterId })
      .orderBy('c.receivedAt', 'ASC').addOrderBy('c.id', 'ASC')
      .limit(MAX_MATTER_COMPLAINTS)
      .getMany());
    // The same-matter link is withheld from the job view: a contractor sees no matter.
    const shown = rows.filter((c) => complaintView(p, c) === 'FULL');
    if (shown.length === 0) throw new NotFoundError('matter');
    return {
      id: m.id, complaints: shown.map((c) => toDto(c, p)),
      distinctComplainants: m.distinctComplainants, distinctHouseholds: m.distinctHouseholds, firedRule: m.firedRule,
    };
  }
}
