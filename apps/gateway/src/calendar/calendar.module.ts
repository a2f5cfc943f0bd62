import { Module } from '@nestjs/common';
import { CalendarResolver } from './calendar.resolver';
import { CalendarService } from './services/calendar.service';

@Module({ providers: [CalendarService, CalendarResolver] })
export class CalendarModule {}
