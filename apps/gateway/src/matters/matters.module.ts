import { Module } from '@nestjs/common';
import { ComplaintsModule } from '../complaints/complaints.module';
import { PolicyModule } from '../policy/policy.module';
import { TextModule } from '../text/text.module';
import { ComplaintMatterFieldsResolver, MattersResolver } from './matters.resolver';
import { MattersService } from './services/matters.service';

@Module({
  imports: [PolicyModule, ComplaintsModule, TextModule],
  providers: [MattersService, MattersResolver, ComplaintMatterFieldsResolver],
})
export class MattersModule {}
