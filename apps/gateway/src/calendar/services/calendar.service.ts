import { tenantSearchAttributes } from '../../../../../workflows/shared/search-attributes';
import { assertTenantWorkflow } from '../../complaints/services/complaint-engine.service';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { validateCalendar } from '../../../../../libs/domain/src/calendar/calendar-validation.util';
import type { BranchCalendar } from '../../../../../libs/domain/src/calendar/calendar.types';
import { organisationRefusal, reachesBranch } from '../../../../../libs/domain/src/permissions/permission.util';
import { BRANCH_CALENDAR_CHANGE_ID_SQL, BranchCalendarRepository } from '../../../../../libs/persistence/src/branch-calendar.repository';
import { BranchEntity } from '../../../../../libs/persistence/src/entities';
import { TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import {
  CALENDAR_PROPAGATION_BOUNDS, CALENDAR_PROPAGATION_DEFAULTS, CALENDAR_PROPAGATION_WORKFLOW, CalendarPropagationInput,
} from '../../../../../workflows/shared/calendar-propagation';
import { calendarPropagationWorkflowId } from '../../../../../workflows/shared/ids';
import { tenantOf } from '../../auth/auth.service';
import { Principal } from '../../auth/principal';
import { BadUserInputError, ForbiddenError, NotFoundError, UnavailableError } from '../../common/app-error';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { InjectDataSource } from '../../common/database.provider';
import { TemporalClientProvider } from '../../common/temporal.provider';
import { BranchCalendarInput } from '../dtos/calendar.input';

type PropagationSettings = Required<Pick<CalendarPropagationInput, 'pageSize' | 'concurrency' | 'signalsPerSecond'>>;

/**
 * How fast a calendar change reaches the branch's running complaints (per change):
 * CALENDAR_PROPAGATION_SIGNALS_PER_SECOND (5), CALENDAR_PROPAGATION_CONCURRENCY (1),
 * CALENDAR_PROPAGATION_PAGE_SIZE (100). Out-of-range values are refused at start-up.
 */
export function calendarPropagationSettings(env: NodeJS.ProcessEnv = process.env): PropagationSettings {
  const read = (name: string, key: keyof PropagationSettings): number => {
    const raw = env[name]?.trim();
    if (!raw) return CALENDAR_PROPAGATION_DEFAULTS[key];
    const n = Number(raw);
    const { min, max } = CALENDAR_PROPAGATION_BOUNDS[key];
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}=${raw}: expected an integer from ${min} to ${max}`);
    return n;
  };
  return {
    signalsPerSecond: read('CALENDAR_PROPAGATION_SIGNALS_PER_SECOND', 'signalsPerSecond'),
    concurrency: read('CALENDAR_PROPAGATION_CONCURRENCY', 'concurrency'),
    pageSize: read('CALENDAR_PROPAGATION_PAGE_SIZE', 'pageSize'),
  };
}

/** SQL over `branches`: the id of the branch's latest calendar change (row version, then the calendar's digest). */
export const CALENDAR_CHANGE_ID_SQL = BRANCH_CALENDAR_CHANGE_ID_SQL;

/** Branch calendars: the clock every business-time deadline of the branch runs on. */
@Injectable()
export class CalendarService {
  private readonly logger = new Logger('Calendar');

  private readonly settings = calendarPropagationSettings();

  private readonly branches: TenantScopedRepository<BranchEntity>;

  private readonly calendars: BranchCalendarRepository;

  constructor(
    @InjectDataSource() ds: DataSource,
    private readonly temporal: TemporalClientProvider,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    this.branches = new TenantScopedRepository(ds, BranchEntity);
    this.calendars = new BranchCalendarRepository(ds);
  }

  /**
   * Replaces the branch's calendar, then starts its propagation: a durable workflow that tells every
   * running complaint of the branch at a bounded pace (each re-computes its deadlines not yet
   * fired). Returns once the calendar is saved and the propagation started, not when it is done.
   */
  async setBranchCalendar(p: Principal, branchId: string, input: BranchCalendarInput): Promise<BranchEntity> {
    const tenantId = tenantOf(p);
    const branch = await this.branches.findOne(tenantId, { id: branchId });
    if (!branch || !reachesBranch(p, branch)) throw new NotFoundError('branch');
    const refusal = organisationRefusal(p, 'SET_BRANCH_CALENDAR', branch);
    if (refusal) throw new ForbiddenError(refusal);
    const sent: BranchCalendar = {
      timezone: input.timezone,
      workingHours: input.workingHours.map((w) => ({ weekday: w.weekday, start: w.start, end: w.end })),
      holidays: input.holidays ?? [],
      makeUpWorkdays: input.makeUpWorkdays ?? [],
    };
    // Validated as sent, so an index in a field path is the client's own ("calendar.holidays.3").
    const issues = validateCalendar(sent);
    // Field paths as everywhere else in the API: "calendar.workingHours.0.start".
    const field = (path: string): string => (path ? `calendar.${path.replace(/\[(\d+)\]/g, '.$1')}` : 'calendar');
    if (issues.length) throw new BadUserInputError(issues.map((i) => ({ field: field(i.path), message: i.message })));
    const calendar: BranchCalendar = {
      ...sent,
      holidays: [...new Set(sent.holidays)].sort(),
      makeUpWorkdays: [...new Set(sent.makeUpWorkdays)].sort(),
    };
    // The propagation needs Temporal: fail before changing anything when it is unreachable.
    const client = await this.temporal.get();
    // Writing the calendar the branch already has (a retried request) changes nothing and keeps the
    // change id, so the start below attaches to the same propagation, or finds it done.
    const changeId = await this.calendars.replaceCalendar(tenantId, branch.id, calendar);
    if (!changeId) throw new NotFoundError('branch');
    const workflowId = calendarPropagationWorkflowId(tenantId, branch.id, changeId);
    const propagation: CalendarPropagationInput = { tenantId, branchId: branch.id, changeId, calendar, changedBy: p.userId, ...this.settings };
    try {
      // Bounded fan-out in the background: the mutation returns once the change is durable.
      assertTenantWorkflow(tenantId, workflowId);
      await client.workflow.start(CALENDAR_PROPAGATION_WORKFLOW, {
        workflowId, taskQueue: this.config.taskQueue, args: [propagation], workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
        typedSearchAttributes: tenantSearchAttributes(tenantId),
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        this.logger.warn(`branch ${branch.code}: calendar saved, propagation ${workflowId} not started: ${(err as Error).message}`);
        throw new UnavailableError('the calendar was saved but running complaints could not be told yet; repeat the request');
      }
    }
    this.logger.log(`branch ${branch.code}: calendar changed, propagating to its running complaints (${workflowId})`);
    const saved = await this.branches.findOne(tenantId, { id: branch.id });
    if (!saved) throw new NotFoundError('branch');
    return saved;
  }
}
