import { randomUUID } from 'crypto';
import { calendarPropagationWorkflowId, complaintWorkflowId, weeklyReviewWorkflowId } from '../../../../../workflows/shared/ids';
import { acknowledgeUpdate } from '../../../../../workflows/shared/updates';
import { ErrorCode, InternalError } from '../../common/app-error';
import type { GatewayConfig } from '../../common/gateway.config';
import type { TemporalClientProvider } from '../../common/temporal.provider';
import type { TenantWriteBudget } from '../../common/write-budget';
import { ComplaintEngineService, assertTenantWorkflow } from './complaint-engine.service';

const TENANT = randomUUID();
const OTHER = randomUUID();

function refusal(fn: () => unknown): InternalError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InternalError);
    return err as InternalError;
  }
  throw new Error('expected the guard to refuse');
}

describe('assertTenantWorkflow: the engine addresses only the caller tenant\'s workflows', () => {
  it.each([
    ['a complaint', complaintWorkflowId(TENANT, randomUUID())],
    ['a calendar propagation', calendarPropagationWorkflowId(TENANT, randomUUID(), '2026-11-29T08:00:00.000Z-3f2a')],
    ['the weekly review', weeklyReviewWorkflowId(TENANT)],
    ['a run of the weekly review schedule', `${weeklyReviewWorkflowId(TENANT)}-2026-11-30T01:00:00Z`],
  ])('lets through %s of the caller\'s tenant', (_what, workflowId) => {
    expect(() => assertTenantWorkflow(TENANT, workflowId)).not.toThrow();
  });

  it.each([
    ['a complaint', complaintWorkflowId(OTHER, randomUUID())],
    ['a calendar propagation', calendarPropagationWorkflowId(OTHER, randomUUID(), 'change')],
    ['a run of the weekly review schedule', `${weeklyReviewWorkflowId(OTHER)}-2026-11-30T01:00:00Z`],
  ])('refuses %s of another tenant as a defect (INTERNAL, never NOT_FOUND or FORBIDDEN)', (_what, workflowId) => {
    const err = refusal(() => assertTenantWorkflow(TENANT, workflowId));
    expect(err.code).toBe(ErrorCode.INTERNAL);
    expect(err.message).toContain(workflowId);
    expect(err.message).toContain(`tenant ${OTHER}'s`);
  });

  it.each([
    ['a complaint id holding a slash', complaintWorkflowId(TENANT, `${randomUUID()}/x`)],
    ['an empty complaint id', complaintWorkflowId(TENANT, '')],
    ['an id that is not one of ours', `billing/${TENANT}/1`],
    ['an empty id', ''],
  ])('refuses %s', (_what, workflowId) => {
    expect(refusal(() => assertTenantWorkflow(TENANT, workflowId)).code).toBe(ErrorCode.INTERNAL);
  });

  it('refuses a caller without a tenant, even for an id naming an empty one', () => {
    expect(refusal(() => assertTenantWorkflow('', complaintWorkflowId('', randomUUID()))).message).toContain('(none)');
  });
});

describe('ComplaintEngineService: the guard runs before anything is sent', () => {
  // A Temporal provider that must never be asked: the refusal happens before the engine reaches Temporal.
  const unreachable = { get: jest.fn(async () => { throw new Error('Temporal must not be reached'); }) };
  const engine = new ComplaintEngineService(
    unreachable as unknown as TemporalClientProvider,
    { taskQueue: 'complaints', actionTimeoutMs: 1_000 } as GatewayConfig,
    {} as TenantWriteBudget,
  );
  beforeEach(() => unreachable.get.mockClear());

  it('refuses an action whose complaint id would address another workflow, without reaching Temporal', async () => {
    const complaintId = `${randomUUID()}/${randomUUID()}`;
    await expect(engine.execute(TENANT, complaintId, acknowledgeUpdate, null, { actorId: randomUUID() })).rejects.toBeInstanceOf(InternalError);
    expect(unreachable.get).not.toHaveBeenCalled();
  });

  it('refuses to start a complaint for no tenant, without reaching Temporal', async () => {
    await expect(engine.start({ tenantId: '', complaintId: randomUUID() } as never)).rejects.toBeInstanceOf(InternalError);
    expect(unreachable.get).not.toHaveBeenCalled();
  });

  it('addresses a well-formed action of the caller\'s tenant (and then needs Temporal)', async () => {
    await expect(engine.execute(TENANT, randomUUID(), acknowledgeUpdate, null, { actorId: randomUUID() })).rejects.toThrow('Temporal must not be reached');
    expect(unreachable.get).toHaveBeenCalledTimes(1);
  });
});
