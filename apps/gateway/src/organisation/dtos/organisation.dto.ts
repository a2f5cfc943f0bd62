import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { RoleEnum } from '../../common/enums.graphql';
import type { Role } from '../../../../../libs/domain/src/enums';

@ObjectType('WorkingHours')
export class WorkingHoursDto {
  @Field(() => Int) weekday!: number;
  @Field() start!: string;
  @Field() end!: string;
}

@ObjectType('BranchCalendar')
export class BranchCalendarDto {
  @Field() timezone!: string;
  @Field(() => [WorkingHoursDto]) workingHours!: WorkingHoursDto[];
  // holidays(year) and makeUpWorkdays(year) are resolved fields (they take an argument).
  allHolidays!: string[];
  allMakeUpWorkdays!: string[];
}

@ObjectType('Company')
export class CompanyDto {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  tenantId!: string;
}

@ObjectType('Branch')
export class BranchDto {
  @Field(() => ID) id!: string;
  @Field() code!: string;
  @Field() name!: string;
  @Field() timezone!: string;
  tenantId!: string;
  companyId!: string;
}

@ObjectType('Tenant')
export class TenantDto {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() policyPreset!: string;
}

/** A company manager's position: the escalation levels COMPANY_DEPUTY_GM and COMPANY_GM are addressed by it. */
export const CompanyPositionEnum = { DEPUTY_GM: 'DEPUTY_GM', GM: 'GM' } as const;
export type CompanyPosition = keyof typeof CompanyPositionEnum;
registerEnumType(CompanyPositionEnum, { name: 'CompanyPosition' });

@ObjectType('RoleAssignment')
export class RoleAssignmentDto {
  @Field(() => RoleEnum) role!: Role;
  @Field(() => ID, { nullable: true }) companyId!: string | null;
  @Field(() => ID, { nullable: true }) branchId!: string | null;
  @Field(() => CompanyPositionEnum, { nullable: true, description: 'COMPANY_MANAGER only: DEPUTY_GM or GM (the escalation levels)' }) position?: CompanyPosition | null;
}

@ObjectType('User')
export class UserDto {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  tenantId!: string | null;
}

@ObjectType('TenantProvisioning')
export class TenantProvisioningDto {
  @Field(() => TenantDto) tenant!: TenantDto;
  @Field(() => UserDto) headOffice!: UserDto;
}
