import { InitialSchema1763870000000 } from './1763870000000-initial-schema';

/** Every migration, oldest first. A new migration is appended here. */
export const MIGRATIONS = [InitialSchema1763870000000];
