import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsOptional, IsUUID, Matches, ValidateNested } from 'class-validator';
import { ROLES, Role } from '../../../../../libs/domain/src/enums';
import { POLICY_PRESETS } from '../../../../../libs/domain/src/policy/policy.types';
import { RoleEnum } from '../../common/enums.graphql';
import { CompanyPosition, CompanyPositionEnum } from './organisation.dto';
import { FreeText } from '../../common/input-rules';

const NAME = { max: 200, singleLine: true } as const;
/** Role grants one createUser call may carry. */
export const MAX_ROLES_PER_USER = 20;

@ArgsType()
export class CreateTenantArgs {
  @Field() @FreeText(NAME) name!: string;
  @Field() @IsIn(POLICY_PRESETS, { message: `policyPreset must be one of ${POLICY_PRESETS.join(', ')}` }) policyPreset!: string;
  @Field() @FreeText(NAME) headOfficeName!: string;
}

@ArgsType()
export class CreateCompanyArgs {
  @Field() @FreeText(NAME) name!: string;
}

@ArgsType()
export class CreateBranchArgs {
  @Field(() => ID) @IsUUID('all', { message: 'companyId must be an id' }) companyId!: string;
  @Field() @Matches(/^[A-Z0-9]{2,10}$/, { message: 'code must be 2-10 upper-case letters or digits, e.g. GZ01' }) code!: string;
  @Field() @FreeText(NAME) name!: string;
  // The zone itself is checked against the IANA database by the service; this only bounds the text.
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_+\-/]{1,64}$/, { message: 'timezone must be an IANA time zone, e.g. Asia/Shanghai' })
  timezone?: string | null;
}

@InputType('RoleAssignmentInput')
export class RoleAssignmentInput {
  @Field(() => RoleEnum) @IsIn(ROLES) role!: Role;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'companyId must be an id' }) companyId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'branchId must be an id' }) branchId?: string | null;
  @Field(() => CompanyPositionEnum, { nullable: true, description: 'COMPANY_MANAGER only: DEPUTY_GM or GM (the escalation levels)' })
  @IsOptional() @IsIn(Object.keys(CompanyPositionEnum), { message: 'position must be DEPUTY_GM or GM' }) position?: CompanyPosition | null;
}

@ArgsType()
export class CreateUserArgs {
  @Field() @FreeText(NAME) name!: string;
  @Field(() => [RoleAssignmentInput])
  @IsArray()
  @ArrayMinSize(1, { message: 'roles must name at least one role' })
  @ArrayMaxSize(MAX_ROLES_PER_USER, { message: `roles must name at most ${MAX_ROLES_PER_USER} roles` })
  @ValidateNested({ each: true })
  @Type(() => RoleAssignmentInput)
  roles!: RoleAssignmentInput[];
}
