import perfHooks from 'node:perf_hooks';
import { describe, expect, it, vi } from 'vitest';
import { EVENT_LOOP_RESOLUTION_MS, MetricsRegistry } from './registry.ts';

describe('MetricsRegistry', () => {
  it('renders counters and gauges with escaped labels in registration order', async () => {
    const metrics = new MetricsRegistry();
    const pushes = metrics.counter({ name: 'cascade_pushes_total', help: 'Version pushes.', labelNames: ['result'] });
    const locked = metrics.gauge({ name: 'cascade_locked', help: 'Locked resources.\nPer env.', labelNames: ['env'] });
    pushes.inc({ result: 'created' });
    pushes.inc({ result: 'created' }, 2);
    locked.set({ env: 'p"r\\od\n' }, 1);
    expect(await metrics.render()).toBe(
      [
        '# HELP cascade_pushes_total Version pushes.',
        '# TYPE cascade_pushes_total counter',
        'cascade_pushes_total{result="created"} 3',
        // prom-client separates metric families with a blank line, which the exposition format allows.
        '',
        '# HELP cascade_locked Locked resources.\\nPer env.',
        '# TYPE cascade_locked gauge',
        'cascade_locked{env="p\\"r\\\\od\\n"} 1',
        '',
      ].join('\n'),
    );
  });

  it('renders histograms as cumulative buckets with +Inf, sum and count', async () => {
    const metrics = new MetricsRegistry();
    const durations = metrics.histogram({ name: 'run_seconds', help: 'Run time.', buckets: [1, 0.1] });
    durations.observe({}, 0.05);
    durations.observe({}, 0.5);
    durations.observe({}, 7);
    expect(await metrics.render()).toBe(
      [
        '# HELP run_seconds Run time.',
        '# TYPE run_seconds histogram',
        'run_seconds_bucket{le="0.1"} 1',
        'run_seconds_bucket{le="1"} 2',
        'run_seconds_bucket{le="+Inf"} 3',
        'run_seconds_sum 7.55',
        'run_seconds_count 3',
        '',
      ].join('\n'),
    );
  });

  it('shares a metric registered twice the same way and refuses a conflicting definition', async () => {
    const metrics = new MetricsRegistry();
    metrics.counter({ name: 'x_total', help: 'x', labelNames: ['a'] }).inc({ a: 1 });
    metrics.counter({ name: 'x_total', help: 'x', labelNames: ['a'] }).inc({ a: 1 });
    expect(await metrics.render()).toContain('x_total{a="1"} 2');
    expect(() => metrics.gauge({ name: 'x_total', help: 'x', labelNames: ['a'] })).toThrow(/already registered/);
  });

  it('rejects wrong label sets, bad names and decreasing counters', async () => {
    const metrics = new MetricsRegistry();
    const c = metrics.counter({ name: 'c_total', help: 'c', labelNames: ['env'] });
    expect(() => c.inc({ nope: 'x' })).toThrow(/takes labels \[env\]/);
    expect(() => c.inc({ env: 'x' }, -1)).toThrow(RangeError);
    expect(() => metrics.counter({ name: 'bad-name', help: '' })).toThrow(TypeError);
    expect(() => metrics.counter({ name: 'ok', help: '', labelNames: ['__x'] })).toThrow(TypeError);
  });

  it('adds the process metrics when asked', async () => {
    expect(await new MetricsRegistry({ processMetrics: true }).render()).toContain('process_cpu_seconds_total');
    expect(await new MetricsRegistry().render()).not.toContain('process_cpu_seconds_total');
  });

  it('samples the event-loop lag coarsely, so an idle service is not woken every 10 ms', async () => {
    const monitor = vi.spyOn(perfHooks, 'monitorEventLoopDelay');
    try {
      const metrics = new MetricsRegistry({ processMetrics: true });
      expect(monitor).toHaveBeenCalledWith({ resolution: EVENT_LOOP_RESOLUTION_MS });
      expect(EVENT_LOOP_RESOLUTION_MS).toBeGreaterThanOrEqual(100);
      expect(await metrics.render()).toContain('nodejs_eventloop_lag_p99_seconds');
    } finally {
      monitor.mockRestore();
    }
  });

  it('runs collectors before rendering', async () => {
    const metrics = new MetricsRegistry();
    const up = metrics.gauge({ name: 'cascade_up', help: 'Up.' });
    metrics.onCollect(() => up.set({}, 1));
    expect(await metrics.render()).toContain('cascade_up 1\n');
  });
});
