import { GraphQLError } from 'graphql';
import { AppError, ErrorCode, ForbiddenError, InternalError } from '../common/app-error';
import { argumentSummary, granteeOf, outcomeOf, recordIdOf, recordTypeOf, requestIdOf } from './audit-entry.util';

const C = '4f1c1d9e-8a3b-4b7a-9d3e-6c2a1b0f9e11';
const U = '0b6f3c1e-5a2d-4c7e-9f10-0000000000a7';

describe('argumentSummary', () => {
  it('keeps field names and the ids outside lists, never a typed value', () => {
    const s = argumentSummary({
      input: { branchId: C, description: '电梯坏了', complainant: { name: '张女士', phone: '13800138000' } },
      roles: [{ role: 'HANDLER', branchId: U }],
      requestId: 'r-1',
    });
    expect(s).toEqual({
      fields: ['input.branchId', 'input.complainant.name', 'input.complainant.phone', 'input.description', 'requestId', 'roles[].branchId', 'roles[].role'],
      ids: { 'input.branchId': C },
    });
    expect(JSON.stringify(s)).not.toMatch(/张女士|13800138000|电梯/);
  });

  it("does not record a JSON argument's keys that are not names, nor an id that is not a UUID", () => {
    const s = argumentSummary({ overrides: { deadlines: { CALLBACK: { after: 'P3D' } }, '王先生 13800138000': 1 }, assigneeId: 'not-a-uuid' });
    expect(s.fields).toEqual(['assigneeId', 'overrides.*', 'overrides.deadlines.CALLBACK.after']);
    expect(s.ids).toEqual({});
  });
});

describe('what a mutation acted on', () => {
  it('takes the record from id or complaintId, then the result, then the argument naming its type', () => {
    expect(recordIdOf('Complaint', { id: C }, null)).toBe(C);
    expect(recordIdOf('Complaint', { complaintId: C }, null)).toBe(C);
    expect(recordIdOf('User', { name: 'x' }, { id: U })).toBe(U);
    expect(recordIdOf('Tenant', {}, { tenant: { id: C }, headOffice: { id: U } })).toBe(C);
    expect(recordIdOf('Branch', { branchId: C }, undefined)).toBe(C);
    expect(recordIdOf('Company', { name: 'Acme' }, undefined)).toBeNull();
    expect(recordTypeOf('TenantProvisioning')).toBe('Tenant');
    expect(granteeOf('createTenant', { tenant: { id: C }, headOffice: { id: U } })).toBe(U);
    expect(granteeOf('createUser', { id: U })).toBe(U);
    expect(granteeOf('createCompany', { id: C })).toBeNull();
  });

  it('keeps a well-formed retry key only', () => {
    expect(requestIdOf({ requestId: 'abc-123' })).toBe('abc-123');
    expect(requestIdOf({ requestId: 'has space' })).toBeNull();
    expect(requestIdOf({})).toBeNull();
  });
});

describe('outcomeOf', () => {
  it('is the code the caller receives', () => {
    expect(outcomeOf(new ForbiddenError('no'))).toBe('FORBIDDEN');
    expect(outcomeOf(new GraphQLError('wrapped', { originalError: new AppError(ErrorCode.INVALID_TRANSITION, 'no') }))).toBe('INVALID_TRANSITION');
    expect(outcomeOf(new InternalError('bug'))).toBe('INTERNAL');
    expect(outcomeOf(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe('UNAVAILABLE');
    expect(outcomeOf(new TypeError('x is undefined'))).toBe('INTERNAL');
  });
});
