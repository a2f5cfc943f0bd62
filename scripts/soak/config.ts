// The soak's knobs, from the environment and the command line, validated up front so a typo fails
// at once with the variable's name rather than ten minutes into a run.

export interface SoakConfig {
  /** How long the load and the chaos loop run (the timer check comes after). */
  minutes: number;
  /** Complaints submitted per second (open loop: a slow system does not slow the arrivals). */
  rate: number;
  /** Seeds the chaos loop's choices and pauses (the same seed kills the same kinds in the same order). */
  seed: number;
  /** Seconds between two kills: uniform in [min, max]. */
  killEvery: { min: number; max: number };
  /** How long a killed process stays down before it is started again. */
  downSeconds: number;
  /** How long the whole Temporal cluster stays down in the timer check. */
  clusterDownSeconds: number;
  /** Complaints whose deadline timers fall due while the cluster is down. */
  timers: number;
}

function positiveNumber(name: string, raw: string | undefined, fallback: number, opts: { integer?: boolean; max?: number } = {}): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  const ok = Number.isFinite(n) && n > 0 && (!opts.integer || Number.isInteger(n)) && (opts.max === undefined || n <= opts.max);
  if (!ok) {
    const what = opts.integer ? 'a positive integer' : 'a positive number';
    throw new Error(`${name} must be ${what}${opts.max !== undefined ? ` up to ${opts.max}` : ''}, got "${raw}"`);
  }
  return n;
}

/** `--minutes N` / `--minutes=N` from argv, else SOAK_MINUTES; the other knobs from SOAK_* variables. */
export function soakConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): SoakConfig {
  let minutesArg: string | undefined;
  let minutesName = 'SOAK_MINUTES';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--minutes') {
      minutesArg = argv[i + 1] ?? '';
      minutesName = '--minutes';
      i++;
    } else if (a.startsWith('--minutes=')) {
      minutesArg = a.slice('--minutes='.length);
      minutesName = '--minutes';
    } else {
      throw new Error(`unknown argument "${a}" (the soak takes --minutes N; the rest is SOAK_* variables)`);
    }
  }
  if (minutesArg !== undefined && minutesArg.trim() === '') throw new Error('--minutes must be a positive number up to 1440, got nothing');
  const minutes = positiveNumber(minutesName, minutesArg ?? env.SOAK_MINUTES, 10, { max: 24 * 60 });
  const rate = positiveNumber('SOAK_RATE', env.SOAK_RATE, 4, { max: 200 });
  const seed = env.SOAK_SEED?.trim() ? positiveNumber('SOAK_SEED', env.SOAK_SEED, 1, { integer: true, max: 2 ** 31 }) : Date.now() % 2 ** 31;
  const min = positiveNumber('SOAK_KILL_MIN_S', env.SOAK_KILL_MIN_S, 30, { max: 3600 });
  const max = positiveNumber('SOAK_KILL_MAX_S', env.SOAK_KILL_MAX_S, 60, { max: 3600 });
  if (max < min) throw new Error(`SOAK_KILL_MAX_S (${max}) must not be below SOAK_KILL_MIN_S (${min})`);
  return {
    minutes,
    rate,
    seed,
    killEvery: { min, max },
    downSeconds: positiveNumber('SOAK_DOWN_S', env.SOAK_DOWN_S, 3, { max: 600 }),
    clusterDownSeconds: positiveNumber('SOAK_CLUSTER_DOWN_S', env.SOAK_CLUSTER_DOWN_S, 60, { max: 3600 }),
    timers: positiveNumber('SOAK_TIMERS', env.SOAK_TIMERS, 100, { integer: true, max: 10_000 }),
  };
}

/** mulberry32: a small seedable generator (uniform in [0, 1)); chaos must be repeatable from SOAK_SEED. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
