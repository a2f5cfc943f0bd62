import { DEADLINE_KINDS } from '../enums';
import { DEADLINE_PLAN, deadlineApplies, deadlinesMetBy, deadlinesStartedBy } from './deadline-plan.util';

const general = { kind: 'COMPLAINT' as const, severity: 'GENERAL' as const, assigneeIsContractor: false };

describe('deadline plan', () => {
  it('starts and fulfils every deadline kind of the contract', () => {
    for (const k of DEADLINE_KINDS) {
      expect(DEADLINE_PLAN[k].startsAt.length).toBeGreaterThan(0);
      expect(DEADLINE_PLAN[k].metBy.length).toBeGreaterThan(0);
    }
  });

  it('starts the intake clocks at receipt, and the report clock only for hot or major complaints', () => {
    expect(deadlinesStartedBy('RECEIVED', general)).toEqual(['FORWARD', 'CUSTOMER_REPLY', 'RESOLUTION', 'WHOLE_PROCESS']);
    expect(deadlinesStartedBy('RECEIVED', { ...general, severity: 'MAJOR' })).toContain('REPORT');
    expect(deadlinesStartedBy('RECEIVED', { ...general, severity: 'IMPORTANT' })).not.toContain('REPORT');
  });

  it('runs the contractor clock only for a repair dispatched to a contractor', () => {
    expect(deadlineApplies('CONTRACTOR_CONTACT', { ...general, kind: 'REPAIR', assigneeIsContractor: true })).toBe(true);
    expect(deadlineApplies('CONTRACTOR_CONTACT', { ...general, kind: 'REPAIR' })).toBe(false);
    expect(deadlineApplies('CONTRACTOR_CONTACT', { ...general, assigneeIsContractor: true })).toBe(false);
  });

  it('lets telling the customer meet both reply obligations, and resolving meet the in-progress ones', () => {
    expect(deadlinesMetBy('CUSTOMER_INFORMED').sort()).toEqual(['CUSTOMER_REPLY', 'PROGRESS_REPLY']);
    expect(deadlinesMetBy('RESOLVED').sort()).toEqual(['CUSTOMER_REPLY', 'FOLLOW_UP_1', 'FOLLOW_UP_2', 'PROGRESS_REPLY', 'RESOLUTION']);
    expect(deadlinesMetBy('CALLBACK')).toEqual(['CALLBACK']);
  });
});
