import { COMPLAINT_STATUSES, type ComplaintStatus } from '../enums';
import { customerFacingName, customerStage, customerStageHint, formatCustomerTime, nextPromisedTime, type CustomerDeadline } from './customer-stage.util';

describe('what the customer is told', () => {
  it('names every status\'s stage in plain Chinese', () => {
    const expected: Record<ComplaintStatus, string> = {
      RECEIVED: '受理中', DISPATCHED: '处理中', IN_PROGRESS: '处理中', RESOLVED: '已处理待回访', CALLBACK_PENDING: '已处理待回访',
      ANALYSIS_PENDING: '已办结', CLOSED: '已办结', WITHDRAWN: '已撤回', MERGED: '已合并处理',
    };
    for (const status of COMPLAINT_STATUSES) {
      expect(customerStage(status)).toBe(expected[status]);
      // A sentence in Chinese, no internal word (no status code, no severity).
      expect(customerStageHint(status)).toMatch(/^[\u3400-\u9fff，。、！？]+$/);
    }
    expect(() => customerStage('ESCALATED' as ComplaintStatus)).toThrow(/unknown complaint status/);
  });

  const d = (kind: CustomerDeadline['kind'], dueAt: string, metAt: string | null = null, cancelledAt: string | null = null): CustomerDeadline => ({ kind, dueAt, metAt, cancelledAt });
  const deadlines = [
    d('CUSTOMER_REPLY', '2025-03-07T12:00:00Z'),
    d('RESOLUTION', '2025-03-09T10:00:00Z'),
    d('RESOLUTION', '2025-03-08T10:00:00Z'),
    d('RESOLUTION', '2025-03-06T10:00:00Z', '2025-03-06T09:00:00Z'),
    d('CALLBACK', '2025-03-12T10:00:00Z', null, '2025-03-10T00:00:00Z'),
    d('CALLBACK', '2025-03-11T10:00:00Z'),
  ];

  it('promises the earliest open resolution until resolved, then the earliest open callback, then nothing', () => {
    for (const s of ['RECEIVED', 'DISPATCHED', 'IN_PROGRESS'] as const) {
      expect(nextPromisedTime(s, deadlines)).toEqual({ kind: 'RESOLUTION', label: '预计处理完成', dueAt: new Date('2025-03-08T10:00:00Z') });
    }
    for (const s of ['RESOLVED', 'CALLBACK_PENDING'] as const) {
      expect(nextPromisedTime(s, deadlines)).toEqual({ kind: 'CALLBACK', label: '预计回访', dueAt: new Date('2025-03-11T10:00:00Z') });
    }
    for (const s of ['ANALYSIS_PENDING', 'CLOSED', 'WITHDRAWN', 'MERGED'] as const) expect(nextPromisedTime(s, deadlines)).toBeNull();
    expect(nextPromisedTime('IN_PROGRESS', [d('RESOLUTION', '2025-03-06T10:00:00Z', '2025-03-06T09:00:00Z')])).toBeNull();
    expect(nextPromisedTime('CALLBACK_PENDING', [])).toBeNull();
  });

  it('writes a time in the branch\'s zone, in Chinese', () => {
    expect(formatCustomerTime(new Date('2025-03-07T10:00:00Z'), 'Asia/Shanghai')).toBe('2025年3月7日 周五 18:00');
    expect(formatCustomerTime(new Date('2025-03-07T16:05:00Z'), 'Asia/Shanghai')).toBe('2025年3月8日 周六 00:05');
    expect(formatCustomerTime(new Date('2025-03-07T10:00:00Z'), 'Asia/Urumqi')).toBe('2025年3月7日 周五 16:00');
  });

  it('names staff by a first name at most: surname with 师傅 for a Chinese name, the first word otherwise', () => {
    expect(customerFacingName('王建国')).toBe('王师傅');
    expect(customerFacingName('张伟')).toBe('张师傅');
    expect(customerFacingName('欧阳明华')).toBe('欧阳师傅');
    expect(customerFacingName('Handler Wang')).toBe('Handler');
    expect(customerFacingName('  Li  ')).toBe('Li');
    expect(customerFacingName('')).toBeNull();
    expect(customerFacingName(null)).toBeNull();
    expect(customerFacingName('<script>alert(1)</script>')).toBeNull();
  });
});
