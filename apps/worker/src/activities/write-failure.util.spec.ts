import { ApplicationFailure } from '@temporalio/common';
import { QueryFailedError } from 'typeorm';
import { ParameterFreeLogger } from '../../../../libs/persistence/src/data-source';
import { DATA_REJECTED } from '../../../../workflows/shared/complaint.types';
import { isDeterministicWriteFailure, writeFailure } from './write-failure.util';

const pgError = (code: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`invalid input syntax for type uuid: "张女士 13800138000"`), { code, ...extra });
const queryFailed = (code: string, extra: Record<string, unknown> = {}): QueryFailedError =>
  new QueryFailedError('INSERT INTO complaints (...) VALUES ($1, $2)', ['张女士', '13800138000'], pgError(code, extra));
const who = { complaintId: 'c-1', reference: 'GZ01-2026-000001', step: 'persistComplaint' };

describe('classifying a failed read-model write', () => {
  it.each(['22021', '22P05', '22008', '22P02', '23505', '23503', '54000'])('SQLSTATE %s is rejected for good, naming ids and codes only', (code) => {
    const f = writeFailure(queryFailed(code, { constraint: 'complaints_pkey', table: 'complaints' }), who);
    expect(f.nonRetryable).toBe(true);
    expect(f.type).toBe(DATA_REJECTED);
    expect(f.message).toContain('c-1');
    expect(f.message).toContain('GZ01-2026-000001');
    expect(f.message).toContain(`SQLSTATE ${code}`);
    expect(f.message).toContain('constraint complaints_pkey');
    expect(JSON.stringify({ m: f.message, d: f.details })).not.toMatch(/张女士|13800138000/);
  });

  it.each([
    ['connection refused', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['too many clients', pgError('53300')],
    ['admin shutdown', queryFailed('57P01')],
    ['serialization failure', queryFailed('40001')],
    ['deadlock', queryFailed('40P01')],
  ])('%s stays retryable', (_name, err) => {
    const f = writeFailure(err, who);
    expect(f.nonRetryable).toBe(false);
    expect(isDeterministicWriteFailure(err)).toBe(false);
    expect(f.message).not.toMatch(/张女士|13800138000/);
  });

  it('an invalid date on our side is rejected for good; an ApplicationFailure passes through', () => {
    let err: unknown;
    try {
      new Date(NaN).toISOString();
    } catch (e) {
      err = e;
    }
    expect(writeFailure(err, who)).toMatchObject({ nonRetryable: true, type: DATA_REJECTED });
    const own = ApplicationFailure.nonRetryable('branch b-1 not found', 'NOT_FOUND');
    expect(writeFailure(own, who)).toBe(own);
  });
});

describe('ParameterFreeLogger', () => {
  it('logs a failed query with its SQLSTATE and SQL, never its parameters or the database message', () => {
    const lines: string[] = [];
    const logger = new ParameterFreeLogger((l) => lines.push(l));
    const err = queryFailed('22021');
    logger.logQueryError(err, 'INSERT INTO complaints (complainant_name, complainant_phone)\n VALUES ($1, $2)', ['张女士', '13800138000']);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('SQLSTATE 22021');
    expect(lines[0]).toContain('INSERT INTO complaints');
    expect(lines[0]).not.toMatch(/张女士|13800138000/);
  });
});
