// Samples the resident set size of processes from /proc/<pid>/status (VmRSS) every 200 ms.
import fs from 'fs';

interface Sample {
  at: number;
  kb: number;
}

export class RssSampler {
  private readonly samples = new Map<string, Sample[]>();
  private readonly targets = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly everyMs = 200) {}

  /** Starts sampling `pid` under `name` (sampling runs until stop()). */
  track(name: string, pid: number): void {
    this.targets.set(name, pid);
    this.samples.set(name, []);
    this.sampleOnce();
    if (!this.timer) {
      this.timer = setInterval(() => this.sampleOnce(), this.everyMs);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  names(): string[] {
    return [...this.targets.keys()];
  }

  /** Peak RSS in kB over [from, to] (performance.now() times; the whole life by default). */
  peakKb(name: string, from = 0, to = Infinity): number | undefined {
    const s = (this.samples.get(name) ?? []).filter((x) => x.at >= from && x.at <= to);
    return s.length ? Math.max(...s.map((x) => x.kb)) : undefined;
  }

  /** The latest sample in kB at or before `at`. */
  atKb(name: string, at = Infinity): number | undefined {
    const s = (this.samples.get(name) ?? []).filter((x) => x.at <= at);
    return s[s.length - 1]?.kb;
  }

  sampleCount(name: string): number {
    return this.samples.get(name)?.length ?? 0;
  }

  private sampleOnce(): void {
    const now = performance.now();
    for (const [name, pid] of this.targets) {
      const kb = readVmRssKb(pid);
      if (kb !== undefined) this.samples.get(name)?.push({ at: now, kb });
    }
  }
}

export function readVmRssKb(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // exited (or no /proc)
  }
}

export const mb = (kb: number | undefined): string => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);
