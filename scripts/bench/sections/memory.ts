// Memory of the worker and the gateway child processes: RSS from /proc/<pid>/status, sampled every
// 200 ms from spawn to here. Reported: at ready (idle), peak during each earlier section, peak overall.
import { mb } from '../rss';
import type { BenchSection, Metric } from '../types';

export const memorySection: BenchSection = {
  id: 'memory',
  title: 'Memory (RSS) of the child processes',
  needsStack: true,
  async run({ stack, results }) {
    if (!stack) throw new Error('memory needs the stack');
    const metrics: Metric[] = [];
    const data: Record<string, unknown> = { sampleEveryMs: 200 };
    for (const name of ['worker', 'gateway']) {
      const ready = stack.rss.atKb(name, stack.readyAt);
      const peak = stack.rss.peakKb(name);
      const perSection: Record<string, number | undefined> = {};
      for (const r of results) if (r.window) perSection[r.id] = stack.rss.peakKb(name, r.window.from, r.window.to);
      const sectionText = Object.entries(perSection).map(([id, kb]) => `${id} ${mb(kb)}`).join(', ');
      metrics.push({ label: `${name} peak RSS`, value: `${mb(peak)}  (at ready ${mb(ready)}${sectionText ? `; peak in ${sectionText}` : ''})` });
      data[name] = {
        pid: name === 'worker' ? stack.worker.pid : stack.gateway.pid,
        readyKb: ready, peakKb: peak, peakKbBySection: perSection, samples: stack.rss.sampleCount(name),
      };
    }
    return { id: 'memory', title: this.title, metrics, data };
  },
};
