// The bench sections, in run order. Add new ones here (see ../types.ts); keep `memory` last so it
// can report the peak of every section before it.
import type { BenchSection } from '../types';
import { calendarSection } from './calendar';
import { intakeSection } from './intake';
import { listSection } from './list';
import { liveUpdatesSection } from './live-updates';
import { limitsCostSection } from './limits-cost';
import { matterSection } from './matter';
import { memorySection } from './memory';
import { messagesSection } from './messages';
import { noisyNeighbourSection } from './noisy-neighbour';
import { reportsSection } from './reports';
import { rlsCostSection } from './rls-cost';
import { scaleSection } from './scale';
import { textSection } from './text';
import { timersSection } from './timers';
import { workOrdersSection } from './work-orders';

export const SECTIONS: BenchSection[] = [calendarSection, intakeSection, listSection, rlsCostSection, limitsCostSection, timersSection, noisyNeighbourSection, liveUpdatesSection, matterSection, workOrdersSection, reportsSection, textSection, scaleSection, messagesSection, memorySection];
