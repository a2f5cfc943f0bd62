import { InitialSchema1763870000000 } from './1763870000000-initial-schema';
import { PolicyCalendarDeadlines1763880000000 } from './1763880000000-policy-calendar-deadlines';

/** Every migration, oldest first. A new migration is appended here. */
export const MIGRATIONS = [InitialSchema1763870000000, PolicyCalendarDeadlines1763880000000];
