import { registerEnumType } from '@nestjs/graphql';
import {
  CALLBACK_METHODS, CATEGORIES, CHANNELS, COMPLAINT_KINDS, COMPLAINT_STATUSES, DEADLINE_KINDS, RESPONSIBILITIES, ROLES,
  SEVERITIES, VALIDITIES,
} from '../../../../libs/domain/src/enums';

/** A GraphQL enum object whose values equal their names, built from the domain's list. */
function enumOf<T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
}

export const RoleEnum = enumOf(ROLES);
export const ChannelEnum = enumOf(CHANNELS);
export const ComplaintKindEnum = enumOf(COMPLAINT_KINDS);
export const CategoryEnum = enumOf(CATEGORIES);
export const SeverityEnum = enumOf(SEVERITIES);
export const ValidityEnum = enumOf(VALIDITIES);
export const ResponsibilityEnum = enumOf(RESPONSIBILITIES);
export const ComplaintStatusEnum = enumOf(COMPLAINT_STATUSES);
export const CallbackMethodEnum = enumOf(CALLBACK_METHODS);
export const DeadlineKindEnum = enumOf(DEADLINE_KINDS);

registerEnumType(RoleEnum, { name: 'Role' });
registerEnumType(ChannelEnum, { name: 'Channel' });
registerEnumType(ComplaintKindEnum, { name: 'ComplaintKind' });
registerEnumType(CategoryEnum, { name: 'Category' });
registerEnumType(SeverityEnum, { name: 'Severity' });
registerEnumType(ValidityEnum, { name: 'Validity' });
registerEnumType(ResponsibilityEnum, { name: 'Responsibility' });
registerEnumType(ComplaintStatusEnum, { name: 'ComplaintStatus' });
registerEnumType(CallbackMethodEnum, { name: 'CallbackMethod' });
registerEnumType(DeadlineKindEnum, { name: 'DeadlineKind' });
