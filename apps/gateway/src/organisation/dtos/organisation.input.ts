import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsOptional, IsString, IsUUID, Length, Matches, ValidateNested } from 'class-validator';
import { ROLES, Role } from '../../../../../libs/domain/src/enums';
import { POLICY_PRESETS } from '../../../../../libs/domain/src/policy/policy.types';
import { RoleEnum } from '../../common/enums.graphql';

@ArgsType()
export class CreateTenantArgs {
  @Field() @Length(1, 200) name!: string;
  @Field() @IsIn(POLICY_PRESETS, { message: `policyPreset must be one of ${POLICY_PRESETS.join(', ')}` }) policyPreset!: string;
  @Field() @Length(1, 200) headOfficeName!: string;
}

@ArgsType()
export class CreateCompanyArgs {
  @Field() @Length(1, 200) name!: string;
}

@ArgsType()
export class CreateBranchArgs {
  @Field(() => ID) @IsUUID('all', { message: 'companyId must be an id' }) companyId!: string;
  @Field() @Matches(/^[A-Z0-9]{2,10}$/, { message: 'code must be 2-10 upper-case letters or digits, e.g. GZ01' }) code!: string;
  @Field() @Length(1, 200) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() timezone?: string | null;
}

@InputType('RoleAssignmentInput')
export class RoleAssignmentInput {
  @Field(() => RoleEnum) @IsIn(ROLES) role!: Role;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'companyId must be an id' }) companyId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all', { message: 'branchId must be an id' }) branchId?: string | null;
}

@ArgsType()
export class CreateUserArgs {
  @Field() @Length(1, 200) name!: string;
  @Field(() => [RoleAssignmentInput])
  @IsArray()
  @ArrayMinSize(1, { message: 'roles must name at least one role' })
  @ValidateNested({ each: true })
  @Type(() => RoleAssignmentInput)
  roles!: RoleAssignmentInput[];
}
