import { Query, Resolver } from '@nestjs/graphql';
import { Public } from '../auth/auth.guard';

@Resolver()
export class HealthResolver {
  @Public()
  @Query(() => String)
  health(): string {
    return 'ok';
  }
}
