import { sideBySide } from '../bench';
import { benchProfiles } from './stack';

describe('bench profiles', () => {
  it('reads BENCH_PROFILE: dev by default, a list in order without repeats, an unknown one named', () => {
    expect(benchProfiles(undefined)).toEqual(['dev']);
    expect(benchProfiles('cluster')).toEqual(['cluster']);
    expect(benchProfiles('dev, cluster,dev')).toEqual(['dev', 'cluster']);
    expect(() => benchProfiles('dev,prod')).toThrow(/unknown profile\(s\) prod; profiles: dev, cluster/);
    expect(() => benchProfiles(' , ')).toThrow(/BENCH_PROFILE/);
  });

  it('puts each profile\'s figures side by side, a dash where a profile has no such figure', () => {
    const text = sideBySide([
      { profile: 'dev', sections: { intake: { metrics: [{ label: 'throughput', value: '20/s' }, { label: 'p99', value: '900 ms' }] } } },
      { profile: 'cluster', sections: { intake: { metrics: [{ label: 'throughput', value: '35/s' }] }, list: { metrics: [{ label: 'queries/s', value: '110' }] } } },
    ]);
    const lines = text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
    expect(lines).toEqual([
      'section metric dev ‖ cluster',
      'intake throughput 20/s ‖ 35/s',
      'p99 900 ms ‖ —',
      'list queries/s — ‖ 110',
    ]);
  });
});
