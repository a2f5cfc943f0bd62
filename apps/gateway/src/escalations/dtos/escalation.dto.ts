import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ESCALATION_LEVELS, EscalationLevel } from '../../../../../libs/domain/src/policy/policy.types';

export const EscalationLevelEnum = Object.fromEntries(ESCALATION_LEVELS.map((l) => [l, l])) as { [K in EscalationLevel]: K };
registerEnumType(EscalationLevelEnum, { name: 'EscalationLevel' });

@ObjectType('Escalation', { description: 'a notification that must be acknowledged; not acknowledged in time it is superseded and raised to the next level' })
export class EscalationDto {
  @Field(() => ID) id!: string;
  @Field(() => EscalationLevelEnum) level!: EscalationLevel;
  @Field({ description: 'e.g. "DEADLINE_BREACHED:RESOLUTION", "SEVERITY:MAJOR", "EMERGENCY" (…":PROGRESS" for a progress report)' }) reason!: string;
  @Field() raisedAt!: Date;
  @Field() ackDueAt!: Date;
  @Field(() => Date, { nullable: true }) acknowledgedAt!: Date | null;
  @Field({ description: 'true when not acknowledged in time and raised to the next level' }) superseded!: boolean;
  // Resolved fields read these.
  tenantId!: string;
  complaintId!: string;
  notifiedUserIds!: string[];
  acknowledgedById!: string | null;
}
