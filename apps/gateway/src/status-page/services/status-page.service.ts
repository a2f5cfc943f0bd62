import { WorkflowNotFoundError } from '@temporalio/client';
import { createHash } from 'crypto';
import { DataSource, In } from 'typeorm';
import {
  customerFacingName, customerStage, customerStageHint, formatCustomerTime, nextPromisedTime,
} from '../../../../../libs/domain/src/notifications/customer-stage.util';
import type { StatusLinkPayload } from '../../../../../libs/domain/src/notifications/status-link.util';
import { BranchEntity, ComplaintEntity, ComplaintEventEntity, UserEntity } from '../../../../../libs/persistence/src/entities';
import { TenantScopedRepository } from '../../../../../libs/persistence/src/tenant-scoped.repository';
import { complaintWorkflowId } from '../../../../../workflows/shared/ids';
import { customerRespondedSignal, type CustomerResponse } from '../../../../../workflows/shared/updates';
import { TemporalClientProvider } from '../../common/temporal.provider';

/** Everything the status page shows: nothing internal (no severity, notes, staff full names, other complaints). */
export interface StatusView {
  reference: string;
  branchName: string;
  stage: string;
  hint: string;
  /** The next time promised to the customer, in the branch's zone, in Chinese. */
  promised: { label: string; text: string } | null;
  /** The handler's first name at most (张师傅), or null. */
  handler: string | null;
  /** The complaint waits for its callback: the customer can confirm or dispute the result. */
  awaitingConfirmation: boolean;
  /** The customer's answer already on the timeline for this callback (the workflow records it), or null. */
  answered: CustomerResponse['response'] | null;
}

// The timeline events the complaint's workflow records for the customer's answer.
const ANSWER_EVENTS: Record<string, CustomerResponse['response']> = { CUSTOMER_CONFIRMED: 'CONFIRMED', CUSTOMER_DISPUTED: 'DISPUTED' };

export type CustomerAnswer = Pick<CustomerResponse, 'response' | 'comment'>;
export type RespondOutcome = 'RECORDED' | 'NOT_AWAITING' | 'NOT_FOUND';

/**
 * The customer status page's reads and its one write. The signed link is the authority: it names one
 * complaint of one tenant, and everything is read through repositories scoped to that tenant.
 */
export class StatusPageService {
  private readonly complaints: TenantScopedRepository<ComplaintEntity>;
  private readonly branches: TenantScopedRepository<BranchEntity>;
  private readonly users: TenantScopedRepository<UserEntity>;
  private readonly events: TenantScopedRepository<ComplaintEventEntity>;

  constructor(ds: DataSource, private readonly temporal: TemporalClientProvider) {
    this.complaints = new TenantScopedRepository(ds, ComplaintEntity);
    this.branches = new TenantScopedRepository(ds, BranchEntity);
    this.users = new TenantScopedRepository(ds, UserEntity);
    this.events = new TenantScopedRepository(ds, ComplaintEventEntity);
  }

  /** The page's content for the linked complaint, or null when there is no such complaint (answered like an invalid link). */
  async view(link: StatusLinkPayload): Promise<StatusView | null> {
    const c = await this.complaints.findOne(link.tenantId, { id: link.complaintId });
    if (!c) return null;
    const [branch, handler] = await Promise.all([
      this.branches.findOne(link.tenantId, { id: c.branchId }),
      c.assigneeId ? this.users.findOne(link.tenantId, { id: c.assigneeId }) : Promise.resolve(null),
    ]);
    if (!branch) return null;
    const awaitingConfirmation = c.status === 'CALLBACK_PENDING';
    const promised = nextPromisedTime(c.status, c.deadlines ?? []);
    return {
      reference: c.reference,
      branchName: branch.name,
      stage: customerStage(c.status),
      hint: customerStageHint(c.status),
      promised: promised ? { label: promised.label, text: formatCustomerTime(promised.dueAt, branch.timezone) } : null,
      handler: customerFacingName(handler?.name),
      awaitingConfirmation,
      answered: awaitingConfirmation ? await this.answerToThisCallback(link.tenantId, c.id) : null,
    };
  }

  /** The customer's answer recorded since the complaint last began waiting for its callback (a reopened round asks again). */
  private async answerToThisCallback(tenantId: string, complaintId: string): Promise<CustomerResponse['response'] | null> {
    const [latest] = await this.events.find(
      tenantId, { complaintId, type: In(['CALLBACK_PENDING', ...Object.keys(ANSWER_EVENTS)]) }, { order: { seq: 'DESC' }, take: 1 },
    );
    return latest ? ANSWER_EVENTS[latest.type] ?? null : null;
  }

  /**
   * The customer confirms or disputes the callback result: a signal to the complaint's workflow. The
   * request id is a hash of link and answer, so a double click (or a resent form) records once.
   */
  async respond(link: StatusLinkPayload, token: string, answer: CustomerAnswer, now: Date): Promise<RespondOutcome> {
    const c = await this.complaints.findOne(link.tenantId, { id: link.complaintId });
    if (!c) return 'NOT_FOUND';
    if (c.status !== 'CALLBACK_PENDING') return 'NOT_AWAITING';
    const client = await this.temporal.get();
    try {
      await client.workflow.getHandle(complaintWorkflowId(link.tenantId, link.complaintId)).signal(customerRespondedSignal, {
        tenantId: link.tenantId, response: answer.response, comment: answer.comment, at: now.getTime(), requestId: responseRequestId(token, answer.response),
      });
    } catch (err) {
      // The workflow has finished (closed meanwhile): nothing waits for an answer any more.
      if (err instanceof WorkflowNotFoundError) return 'NOT_AWAITING';
      throw err;
    }
    return 'RECORDED';
  }
}

/** The request id of one answer through one link: the same link and answer give the same id. */
export function responseRequestId(token: string, response: CustomerResponse['response']): string {
  return `status-page:${createHash('sha256').update(`${token}|${response}`).digest('hex').slice(0, 32)}`;
}
