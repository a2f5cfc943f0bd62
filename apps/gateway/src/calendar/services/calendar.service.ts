import { Inject, Injectable, Logger } from '@nestjs/common';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { DataSource } from 'typeorm';
import { validateCalendar } from '../../../../../libs/domain/src/calendar/calendar-validation.util';
import type { BranchCalendar } from '../../../../../libs/domain/src/calendar/calendar.types';
import { BranchEntity } from '../../../../../libs/persistence/src/entities';
import {
  CALENDAR_PROPAGATION_BOUNDS, CALENDAR_PROPAGATION_DEFAULTS, CALENDAR_PROPAGATION_WORKFLOW, CalendarPropagationInput,
} from '../../../../../workflows/shared/calendar-propagation';
import { calendarPropagationWorkflowId } from '../../../../../workflows/shared/ids';
import { tenantOf } from '../../auth/auth.service';
import { Principal, hasRoleForBranch } from '../../auth/principal';
import { BadUserInputError, ForbiddenError, NotFoundError, UnavailableError } from '../../common/app-error';
import { GATEWAY_CONFIG, GatewayConfig } from '../../common/gateway.config';
import { InjectDataSource } from '../../common/database.provider';
import { TemporalClientProvider } from '../../common/temporal.provider';
import { BranchCalendarInput } from '../dtos/calendar.input';

type PropagationSettings = Required<Pick<CalendarPropagationInput, 'pageSize' | 'concurrency' | 'signalsPerSecond'>>;

/**
 * How fast a calendar change reaches the branch's running complaints (per change):
 * CALENDAR_PROPAGATION_SIGNALS_PER_SECOND (20), CALENDAR_PROPAGATION_CONCURRENCY (8),
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
export const CALENDAR_CHANGE_ID_SQL = `xmin::text || '-' || left(md5(calendar::text), 12)`;

/** Branch calendars: the clock every business-time deadline of the branch runs on. */
@Injectable()
export class CalendarService {
  private readonly logger = new Logger('Calendar');

  private readonly settings = calendarPropagationSettings();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly temporal: TemporalClientProvider,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /**
   * Replaces the branch's calendar, then starts its propagation: a durable workflow that tells every
   * running complaint of the branch at a bounded pace (each re-computes its deadlines not yet
   * fired). Returns once the calendar is saved and the propagation started, not when it is done.
   */
  async setBranchCalendar(p: Principal, branchId: string, input: BranchCalendarInput): Promise<BranchEntity> {
    const tenantId = tenantOf(p);
    const branch = await this.ds.getRepository(BranchEntity).findOneBy({ tenantId, id: branchId });
    if (!branch || !(p.wholeTenant || p.branchIds.includes(branch.id))) throw new NotFoundError('branch');
    if (!hasRoleForBranch(p, ['HEAD_OFFICE', 'COMPANY_MANAGER', 'BRANCH_MANAGER'], branch)) {
      throw new ForbiddenError('only the head office, the company manager or the branch manager sets a branch calendar');
    }
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
    const calendarJson = JSON.stringify(calendar);
    // The row's xmin is the version of this write. Writing the calendar the branch already has (a
    // retried request) changes nothing and keeps the version, so its propagation id is the same
    // one and the start below attaches to it, or finds it done, instead of doubling the signals.
    // (A CTE, because TypeORM answers a bare UPDATE … RETURNING as [rows, count].)
    const written: { change_id: string }[] = await this.ds.query(
      `WITH w AS (UPDATE branches SET calendar = $3::jsonb, timezone = $4 WHERE id = $1 AND tenant_id = $2 AND calendar IS DISTINCT FROM $3::jsonb
       RETURNING ${CALENDAR_CHANGE_ID_SQL} AS change_id) SELECT change_id FROM w`,
      [branch.id, tenantId, calendarJson, calendar.timezone],
    );
    const [{ change_id: changeId }] = written.length
      ? written
      : await this.ds.query(`SELECT ${CALENDAR_CHANGE_ID_SQL} AS change_id FROM branches WHERE id = $1 AND tenant_id = $2`, [branch.id, tenantId]);
    const workflowId = calendarPropagationWorkflowId(tenantId, branch.id, changeId);
    const propagation: CalendarPropagationInput = { tenantId, branchId: branch.id, changeId, calendar, changedBy: p.userId, ...this.settings };
    try {
      // Bounded fan-out in the background: the mutation returns once the change is durable.
      await client.workflow.start(CALENDAR_PROPAGATION_WORKFLOW, {
        workflowId, taskQueue: this.config.taskQueue, args: [propagation], workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) {
        this.logger.warn(`branch ${branch.code}: calendar saved, propagation ${workflowId} not started: ${(err as Error).message}`);
        throw new UnavailableError('the calendar was saved but running complaints could not be told yet; repeat the request');
      }
    }
    this.logger.log(`branch ${branch.code}: calendar changed, propagating to its running complaints (${workflowId})`);
    return this.ds.getRepository(BranchEntity).findOneByOrFail({ tenantId, id: branch.id });
  }
}
