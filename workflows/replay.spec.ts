/**
 * Replay safety (issue 8): every history recorded under test/replay/ (real histories exported from
 * a real Temporal server by `npm run histories:record`) must replay against the CURRENT workflow
 * code. A history that no longer replays is a running complaint that a release would break.
 * No server is needed: Worker.runReplayHistories replays in-process.
 */
import { DeterminismViolationError } from '@temporalio/workflow';
import { BundleOptions, ReplayResult, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { InjectedSinks } from '@temporalio/worker';
import * as fs from 'fs';
import * as path from 'path';
import { DEADLINE_KINDS } from '../libs/domain/src/enums';
import { installTemporalRuntime } from '../apps/worker/src/temporal-runtime';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../apps/worker/src/observability/workflow-interceptor-modules';
import { historyFromJsonValue } from '../test/support/history-json';
import * as contracts from './shared/updates';
import * as workOrderContracts from './shared/work-order';
import type { ReplayCoverageSinks } from './test-support/replay-coverage.interceptors';

const ROOT = path.join(__dirname, '..');
/** The committed corpus; REPLAY_CORPUS_DIR points elsewhere only while developing the recorder. */
const CORPUS = path.resolve(process.env.REPLAY_CORPUS_DIR?.trim() || path.join(ROOT, 'test', 'replay'));
const WORKFLOWS = require.resolve('./index');
const COVERAGE_INTERCEPTORS = require.resolve('./test-support/replay-coverage.interceptors');
const TRANSFORM_LOADER = require.resolve('./test-support/source-transform.loader.js');

interface CorpusFile {
  file: string;
  workflowId: string;
  workflowType: string;
  json: { events: Record<string, any>[] };
  history: ReturnType<typeof historyFromJsonValue>;
}

function corpusFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return corpusFiles(p);
    return e.isFile() && e.name.endsWith('.json') ? [p] : [];
  }).sort();
}

/** Every history file, parsed; a file that is not a readable history is reported, never skipped. */
function loadCorpus(): { corpus: CorpusFile[]; unreadable: string[] } {
  const corpus: CorpusFile[] = [];
  const unreadable: string[] = [];
  for (const file of corpusFiles(CORPUS)) {
    const rel = path.relative(ROOT, file);
    try {
      const json = JSON.parse(fs.readFileSync(file, 'utf8'));
      const history = historyFromJsonValue(json);
      const started = json.events[0]?.workflowExecutionStartedEventAttributes;
      corpus.push({ file: rel, workflowId: json.workflowId ?? path.basename(file), workflowType: started?.workflowType?.name ?? '?', json, history });
    } catch (err) {
      unreadable.push(`  ${rel}: not a readable workflow history (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return { corpus, unreadable };
}

/** One history that does not replay: which file, which workflow, at which event, and why. */
interface Failure {
  file: string;
  workflowId: string;
  workflowType: string;
  eventId: string | null;
  kind: string;
  reason: string;
}

type Observed = { activityType: string; args: unknown[] };

async function replay(
  corpus: CorpusFile[],
  code: string,
): Promise<{ failures: Failure[]; observed: Map<string, Observed[]>; results: number }> {
  // Temporal's own logging at warnings and above (replay workers log every state change). Only once
  // there is something to replay: an installed runtime that never runs a worker keeps Jest from exiting.
  installTemporalRuntime();
  const observed = new Map<string, Observed[]>();
  const sinks: InjectedSinks<ReplayCoverageSinks> = {
    replayCoverage: {
      activity: {
        fn: (info, activityType, args) => {
          const list = observed.get(info.workflowId) ?? [];
          list.push({ activityType, args });
          observed.set(info.workflowId, list);
        },
        callDuringReplay: true,
      },
    },
  };
  // Replay ids are the file names, so each result maps back to its file.
  const byId = new Map(corpus.map((c) => [c.file, c]));
  const failures: Failure[] = [];
  let results = 0;
  const histories = corpus.map((c) => ({ workflowId: c.file, history: c.history }));
  for await (const r of Worker.runReplayHistories({ workflowBundle: { code }, sinks, replayName: 'replay-corpus' }, histories) as AsyncIterable<ReplayResult>) {
    results += 1;
    if (!r.error) continue;
    const c = byId.get(r.workflowId)!;
    // The SDK wraps core's message; its "[TMPRL1100] Nondeterminism error: …" part is the reason.
    const reason = /"(\[TMPRL\d+\][^"]*)"/.exec(r.error.message)?.[1] ?? r.error.message;
    failures.push({
      file: c.file, workflowId: c.workflowId, workflowType: c.workflowType,
      eventId: eventIdOf(reason), kind: r.error instanceof DeterminismViolationError ? 'DeterminismViolationError' : r.error.name, reason,
    });
  }
  return { failures, observed, results };
}

/** The history event the replay stopped at, as the SDK names it in the error. */
function eventIdOf(message: string): string | null {
  return /\bevent(?:_id|Id| id)?[:= #]+(\d+)/i.exec(message)?.[1] ?? /HistoryEvent\(id: (\d+)/.exec(message)?.[1] ?? null;
}

const describeFailures = (failures: Failure[]): string =>
  failures.map((f) => `  ${f.file}: ${f.workflowType} ${f.workflowId} — ${f.kind} at event ${f.eventId ?? '?'}: ${f.reason}`).join('\n');

/** Bundles the workflow code, optionally with webpack changes; returns the code and the modules it contains. */
async function bundle(opts: { coverage?: boolean; transform?: (source: string) => string } = {}): Promise<{ code: string; modules: string[] }> {
  const modules: string[] = [];
  const hook: NonNullable<BundleOptions['webpackConfigHook']> = (config) => {
    config.plugins = [
      ...(config.plugins ?? []),
      {
        apply(compiler) {
          compiler.hooks.done.tap('module-list', (stats) => {
            for (const m of stats.compilation.modules) {
              const resource = (m as { resource?: string }).resource;
              if (resource) modules.push(path.relative(ROOT, resource));
            }
          });
        },
      },
    ];
    if (opts.transform) {
      const transform = opts.transform;
      config.module = config.module ?? {};
      config.module.rules = [
        ...(config.module.rules ?? []),
        { test: /[\\/]workflows[\\/]complaint\.workflow\.ts$/, enforce: 'pre', use: [{ loader: TRANSFORM_LOADER, options: { transform } }] },
      ];
    }
    return config;
  };
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS,
    // The production bundle's interceptors (request ids in headers only: they must not change a command).
    workflowInterceptorModules: [...WORKFLOW_INTERCEPTOR_MODULES, ...(opts.coverage ? [COVERAGE_INTERCEPTORS] : [])],
    webpackConfigHook: hook,
    logger: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: (m: string) => console.error(m), log: () => undefined } as never,
  });
  return { code, modules };
}

/**
 * A change as a developer might make it: one more durable timer at the start of every complaint
 * (before intake is registered), either in place or behind patched().
 */
function extraTimer(guarded: boolean): (source: string) => string {
  return (source) => {
    const header = 'export async function complaintWorkflow(';
    if (!source.includes(header)) throw new Error('complaint.workflow.ts no longer declares `export async function complaintWorkflow(`: update this test');
    const step = guarded ? `if (patched__('replay-spec-extra-timer')) await sleep__(1);` : 'await sleep__(1);';
    return [
      `import { patched as patched__, sleep as sleep__ } from '@temporalio/workflow';`,
      source.replace(header, 'async function complaintWorkflowUnaltered__('),
      `export async function complaintWorkflow(...args: Parameters<typeof complaintWorkflowUnaltered__>): ReturnType<typeof complaintWorkflowUnaltered__> {`,
      `  ${step}`,
      `  return complaintWorkflowUnaltered__(...args);`,
      `}`,
    ].join('\n');
  };
}

const { corpus, unreadable } = loadCorpus();

describe('replay corpus (test/replay/**)', () => {
  let current: { code: string; modules: string[] };
  let outcome: Awaited<ReturnType<typeof replay>>;

  beforeAll(async () => {
    current = await bundle({ coverage: true });
    if (corpus.length > 0) outcome = await replay(corpus, current.code);
  }, 300_000);

  it('has histories to replay', () => {
    if (unreadable.length > 0) throw new Error(`unreadable files in the replay corpus:\n${unreadable.join('\n')}`);
    if (corpus.length === 0) {
      throw new Error(`no workflow histories under ${path.relative(ROOT, CORPUS) || CORPUS}: record them with \`npm run histories:record\` (see test/replay/README.md)`);
    }
    expect(outcome.results).toBe(corpus.length);
  });

  it('replays every history against the current workflow code', () => {
    if (corpus.length === 0) throw new Error('no corpus');
    if (outcome.failures.length > 0) {
      throw new Error(
        `${outcome.failures.length} recorded histor${outcome.failures.length === 1 ? 'y no longer replays' : 'ies no longer replay'} — ` +
          'running complaints of a past release would break. Put the change behind patched() (see README, "Changing workflow code"):\n' +
          describeFailures(outcome.failures),
      );
    }
  });

  it('covers every update, signal and deadline kind (met and breached), continue-as-new and each workflow type', () => {
    if (corpus.length === 0) throw new Error('no corpus');
    const updatesSeen = new Set<string>();
    const signalsSeen = new Set<string>();
    const typesSeen = new Set<string>();
    const eventTypesSeen = new Set<string>();
    for (const c of corpus) {
      typesSeen.add(c.workflowType);
      for (const e of c.json.events) {
        eventTypesSeen.add(e.eventType);
        const update = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name;
        if (update) updatesSeen.add(update);
        const signal = e.workflowExecutionSignaledEventAttributes?.signalName;
        if (signal) signalsSeen.add(signal);
      }
    }
    // What the current code writes when it replays the corpus: the timeline events in its activity calls.
    const timeline: { type: string; data: Record<string, unknown> }[] = [];
    const activities = new Set<string>();
    for (const calls of outcome.observed.values()) {
      for (const { activityType, args } of calls) {
        activities.add(activityType);
        for (const a of args as Record<string, any>[]) {
          for (const e of [...(Array.isArray(a?.events) ? a.events : []), ...(a?.event ? [a.event] : [])]) timeline.push(e);
        }
      }
    }
    // Complaint events carry `data`, work-order events `payload`.
    const kinds = (type: string): string[] =>
      [...new Set(timeline.filter((e) => e.type === type).map((e) => String((e.data ?? (e as { payload?: Record<string, unknown> }).payload)?.kind)))].sort();
    const definitions = [...Object.values(contracts), ...Object.values(workOrderContracts)] as { type?: string; name?: string }[];
    const declared = (t: string): string[] => definitions.filter((d) => d?.type === t).map((d) => d.name as string).sort();

    expect({
      updates: declared('update').filter((u) => !updatesSeen.has(u)),
      signals: declared('signal').filter((s) => !signalsSeen.has(s)),
      workflowTypes: ['complaintWorkflow', 'calendarPropagationWorkflow', 'weeklyReviewWorkflow', 'matterWorkflow', 'workOrderWorkflow', 'dailyReportWorkflow', 'categoryModelWorkflow'].filter((t) => !typesSeen.has(t)),
      deadlinesSet: DEADLINE_KINDS.filter((k) => !kinds('DEADLINE_SET').includes(k)),
      deadlinesMet: DEADLINE_KINDS.filter((k) => !kinds('DEADLINE_MET').includes(k)),
      deadlinesBreached: DEADLINE_KINDS.filter((k) => !kinds('DEADLINE_BREACHED').includes(k)),
      // The work order's own clocks (REPAIR_ORDER is decided at issue: REPAIR_ORDER_LATE below).
      workOrderDeadlinesBreached: ['CONTRACTOR_CONTACT', 'VISIT', 'COMPLETION', 'RETURN_VISIT'].filter((k) => !kinds('DEADLINE_BREACHED').includes(k)),
      timelineEvents: ['REOPENED', 'WITHDRAWN', 'REDISPATCHED', 'CALENDAR_CHANGED', 'SPECIAL_REPORT', 'CLOSED', 'PROJECTION_FAILED', 'DEADLINE_UNCOMPUTABLE',
        'REPAIR_ORDER_LATE', 'MISSED', 'REASSIGNED', 'AWAITING_DISPATCHER', 'SIGNED', 'RETURN_VISIT', 'CANCELLED']
        .filter((t) => !timeline.some((e) => e.type === t)),
      historyEvents: ['EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW', 'EVENT_TYPE_TIMER_FIRED', 'EVENT_TYPE_WORKFLOW_EXECUTION_FAILED']
        .filter((t) => !eventTypesSeen.has(t)),
      activities: ['registerComplaint', 'persistComplaint', 'recordProjectionFailure', 'analyseComplaint', 'openComplaintsPage', 'signalCalendarChange', 'recordWeeklyReview',
        'persistWorkOrder', 'nextContractor', 'buildDailyReport', 'remindUnreadDailyReport']
        .filter((a) => !activities.has(a)),
    }).toEqual({
      updates: [], signals: [], workflowTypes: [], deadlinesSet: [], deadlinesMet: [], deadlinesBreached: [], workOrderDeadlinesBreached: [], timelineEvents: [],
      historyEvents: [], activities: [],
    });
  });

  it('keeps holiday tables and policy presets out of the workflow bundle (a running complaint gets them from its history)', () => {
    expect(current.modules).toEqual(expect.arrayContaining(['workflows/complaint.workflow.ts']));
    const data = current.modules.filter((m) => /libs\/domain\/src\/calendar\/china-holidays\.util\.ts$/.test(m) || /libs\/domain\/src\/policy\/(presets\/|policy\.util\.ts$)/.test(m));
    expect(data).toEqual([]);
  });

  it('would notice a workflow that imports the holiday tables', async () => {
    const leaky = await bundle({ transform: (source) => `import '../libs/domain/src/calendar/china-holidays.util';\n${source}` });
    expect(leaky.modules).toContain('libs/domain/src/calendar/china-holidays.util.ts');
  }, 300_000);
});

describe('the replay check catches a change that is not behind patched()', () => {
  const complaints = corpus.filter((c) => c.workflowType === 'complaintWorkflow');

  it('fails every complaint history when a timer is added in place, naming the workflow and the event', async () => {
    if (complaints.length === 0) throw new Error('no complaint histories in the corpus');
    const altered = await bundle({ transform: extraTimer(false) });
    const { failures } = await replay(corpus, altered.code);
    expect(failures.map((f) => f.file).sort()).toEqual(complaints.map((c) => c.file).sort());
    for (const f of failures) {
      expect(f).toMatchObject({ kind: 'DeterminismViolationError', workflowType: 'complaintWorkflow' });
      expect(f.eventId).toMatch(/^\d+$/);
      expect(f.reason).toMatch(/Nondeterminism/i);
      expect(describeFailures([f])).toContain(f.workflowId);
    }
  }, 300_000);

  it('replays every history when the same change is behind patched()', async () => {
    if (complaints.length === 0) throw new Error('no complaint histories in the corpus');
    const patchedBundle = await bundle({ transform: extraTimer(true) });
    const { failures } = await replay(corpus, patchedBundle.code);
    if (failures.length > 0) throw new Error(`did not replay behind patched():\n${describeFailures(failures)}`);
  }, 300_000);
});
