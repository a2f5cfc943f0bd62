import { COMPLAINT_STATUSES } from '../enums';
import { isActionAllowed, isTerminal, transitionError } from './lifecycle.util';

describe('complaint lifecycle rules', () => {
  it('lets a received complaint be dispatched but not resolved or called back', () => {
    expect(isActionAllowed('DISPATCH', 'RECEIVED')).toBe(true);
    expect(isActionAllowed('RESOLVE', 'RECEIVED')).toBe(false);
    expect(isActionAllowed('CALLBACK', 'RECEIVED')).toBe(false);
  });

  it('requires the assignee to acknowledge before resolving', () => {
    expect(isActionAllowed('RESOLVE', 'DISPATCHED')).toBe(false);
    expect(isActionAllowed('ACKNOWLEDGE', 'DISPATCHED')).toBe(true);
    expect(isActionAllowed('RESOLVE', 'IN_PROGRESS')).toBe(true);
  });

  it('accepts a callback only when one is pending', () => {
    for (const s of COMPLAINT_STATUSES) expect(isActionAllowed('CALLBACK', s)).toBe(s === 'CALLBACK_PENDING');
  });

  it('allows nothing at all on a closed, withdrawn or merged complaint', () => {
    for (const s of ['CLOSED', 'WITHDRAWN', 'MERGED'] as const) {
      expect(isTerminal(s)).toBe(true);
      for (const a of ['DISPATCH', 'ACKNOWLEDGE', 'FOLLOW_UP', 'DETERMINE_VALIDITY', 'RESOLVE', 'CALLBACK', 'WITHDRAW'] as const) {
        expect(transitionError(a, s)).toMatch(new RegExp(`not allowed while the complaint is ${s}`));
      }
    }
  });
});
