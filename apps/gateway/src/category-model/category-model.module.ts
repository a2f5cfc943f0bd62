import { Module } from '@nestjs/common';
import { CategoryModelResolver } from './category-model.resolver';
import { CategoryModelService } from './category-model.service';

/** The tenant's category classifier: its figures and a training on demand (the nightly one is a Temporal Schedule). */
@Module({
  providers: [CategoryModelService, CategoryModelResolver],
})
export class CategoryModelModule {}
