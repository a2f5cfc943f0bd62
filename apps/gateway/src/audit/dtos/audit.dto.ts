import { Field, ID, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../../common/json.scalar';
import { PageInfoDto } from '../../complaints/dtos/complaint.dto';

@ObjectType('AuditEntry', {
  description: 'One entry of the audit log: who did what to which record, and how it ended. Entries are never changed or removed.',
})
export class AuditEntryDto {
  @Field(() => ID, { description: 'increases with every entry of the platform' }) id!: string;
  @Field({ description: 'when it happened (the database clock)' }) at!: Date;
  @Field({ description: 'the user id of whoever acted, or "platform-operator" for provisioning' }) actorId!: string;
  @Field({
    description: 'the mutation\'s name (e.g. "dispatchComplaint", "createUser"); "ROLE_GRANTED" for each role a user was given; '
      + '"COMPLAINT_READ" when the head office, or a company manager through their company, opened a complaint\'s details',
  })
  action!: string;
  @Field({ description: 'the kind of record acted on: Complaint, User, Branch, Company, Tenant' }) recordType!: string;
  @Field(() => String, { nullable: true, description: 'the id of the record acted on, when known' }) recordId!: string | null;
  @Field({ description: '"OK", or the error code the caller received (FORBIDDEN, NOT_FOUND, INVALID_TRANSITION, …)' }) outcome!: string;
  @Field(() => String, { nullable: true, description: 'the client\'s retry key of the action, if it sent one' }) requestId!: string | null;
  @Field(() => JSONScalar, {
    description: 'ids, field names and codes only, never personal data: the argument fields given and the ids among them; '
      + 'for ROLE_GRANTED the userId, role, companyId and branchId',
  })
  details!: Record<string, unknown>;
}

@ObjectType('AuditEntryEdge')
export class AuditEntryEdgeDto {
  @Field() cursor!: string;
  @Field(() => AuditEntryDto) node!: AuditEntryDto;
}

@ObjectType('AuditEntryConnection')
export class AuditEntryConnectionDto {
  @Field(() => [AuditEntryEdgeDto]) edges!: AuditEntryEdgeDto[];
  @Field(() => PageInfoDto) pageInfo!: PageInfoDto;
}
