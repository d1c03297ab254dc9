// The metrics registry every service exposes at /metrics: prom-client underneath, behind the small API the services use,
// with label sets checked strictly so a typo fails in tests rather than as a silently empty series.
import { collectDefaultMetrics, Counter as PromCounter, Gauge as PromGauge, Histogram as PromHistogram, Registry } from 'prom-client';

/** The content type of `/metrics` responses. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Label values of one series, by label name. */
export type Labels = Record<string, string | number>;

/** Bucket upper bounds (seconds) suited to request and run durations. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * How often the event-loop lag histogram samples, in ms. prom-client's default of 10 ms wakes an idle service 100
 * times a second, which cost each service about 0.4 s of CPU a minute with nothing to do; at 100 ms a loop blocked
 * long enough to matter is still seen, and idle costs a tenth.
 */
export const EVENT_LOOP_RESOLUTION_MS = 100;

/** Options shared by every metric kind. */
export interface MetricOptions {
  /** Metric name, e.g. `cascade_deployer_applies_total`. */
  name: string;
  /** One sentence shown as `# HELP`. */
  help: string;
  /** Names of the labels every sample must carry. */
  labelNames?: readonly string[];
}

/** A monotonically increasing count. */
export interface Counter {
  inc(labels?: Labels, by?: number): void;
}

/** A value that goes up and down. */
export interface Gauge {
  set(labels: Labels, value: number): void;
  inc(labels?: Labels, by?: number): void;
  /** Removes every series, e.g. before re-filling the gauge from a fresh snapshot. */
  reset(): void;
}

/** Observations counted into cumulative buckets, with sum and count. */
export interface Histogram {
  observe(labels: Labels, value: number): void;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type Kind = 'counter' | 'gauge' | 'histogram';

/** What a name was registered as; a second registration must match it. */
interface Definition {
  kind: Kind;
  labelNames: readonly string[];
  buckets: readonly number[];
}

/** Options of a registry. */
export interface MetricsRegistryOptions {
  /** Also expose prom-client's default process metrics (CPU, memory, event-loop lag, GC); services turn this on. */
  processMetrics?: boolean;
}

/** A set of metrics rendered together at `/metrics`; one per service, passed as an argument. */
export class MetricsRegistry {
  private readonly registry = new Registry();
  private readonly definitions = new Map<string, Definition>();
  private readonly metrics = new Map<string, PromCounter | PromGauge | PromHistogram>();
  private readonly collectors: (() => void)[] = [];

  constructor(options: MetricsRegistryOptions = {}) {
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_RESOLUTION_MS });
  }

  /** Returns the counter `name`, creating it on first use; several components may share one. */
  counter(options: MetricOptions): Counter {
    const labelNames = this.define('counter', options, []);
    const counter = this.metric(options.name, () => new PromCounter({ name: options.name, help: options.help, labelNames, registers: [this.registry] })) as PromCounter;
    return {
      inc: (labels = {}, by = 1) => {
        if (by < 0) throw new RangeError(`counter ${options.name} cannot decrease`);
        counter.inc(ordered(options.name, labelNames, labels), by);
      },
    };
  }

  /** Returns the gauge `name`, creating it on first use. */
  gauge(options: MetricOptions): Gauge {
    const labelNames = this.define('gauge', options, []);
    const gauge = this.metric(options.name, () => new PromGauge({ name: options.name, help: options.help, labelNames, registers: [this.registry] })) as PromGauge;
    return {
      set: (labels, value) => gauge.set(ordered(options.name, labelNames, labels), value),
      inc: (labels = {}, by = 1) => gauge.inc(ordered(options.name, labelNames, labels), by),
      reset: () => gauge.reset(),
    };
  }

  /** Returns the histogram `name`, creating it on first use; `buckets` are upper bounds, `+Inf` is implied. */
  histogram(options: MetricOptions & { buckets?: readonly number[] }): Histogram {
    const buckets = [...(options.buckets ?? DEFAULT_BUCKETS)].sort((a, b) => a - b);
    const labelNames = this.define('histogram', options, buckets);
    const histogram = this.metric(options.name, () => new PromHistogram({ name: options.name, help: options.help, labelNames, buckets, registers: [this.registry] })) as PromHistogram;
    return { observe: (labels, value) => histogram.observe(ordered(options.name, labelNames, labels), value) };
  }

  /** Registers a callback run before every render, for gauges computed from current state. */
  onCollect(collect: () => void): void {
    this.collectors.push(collect);
  }

  /** Renders every metric in the Prometheus text exposition format 0.0.4. */
  async render(): Promise<string> {
    for (const collect of this.collectors) collect();
    return this.registry.metrics();
  }

  /** Checks a definition against the name's first one; returns its label names. */
  private define(kind: Kind, options: MetricOptions, buckets: readonly number[]): string[] {
    const { name, labelNames = [] } = options;
    if (!METRIC_NAME.test(name)) throw new TypeError(`invalid metric name ${JSON.stringify(name)}`);
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__') || label === 'le') {
        throw new TypeError(`metric ${name}: invalid label name ${JSON.stringify(label)}`);
      }
    }
    const existing = this.definitions.get(name);
    // Sharing is fine; two different definitions under one name would render a broken exposition.
    if (existing && (existing.kind !== kind || existing.labelNames.join() !== labelNames.join() || existing.buckets.join() !== buckets.join())) {
      throw new TypeError(`metric ${name} is already registered with a different type, labels or buckets`);
    }
    this.definitions.set(name, { kind, labelNames: [...labelNames], buckets });
    return [...labelNames];
  }

  private metric(name: string, create: () => PromCounter | PromGauge | PromHistogram): PromCounter | PromGauge | PromHistogram {
    let metric = this.metrics.get(name);
    if (!metric) {
      metric = create();
      this.metrics.set(name, metric);
    }
    return metric;
  }
}

/** The labels in the metric's declared order, as strings; a missing or unknown label is a programming error. */
function ordered(name: string, labelNames: readonly string[], labels: Labels): Record<string, string> {
  const given = Object.keys(labels);
  if (given.length !== labelNames.length || !labelNames.every((l) => l in labels)) {
    throw new TypeError(`metric ${name} takes labels [${labelNames.join(', ')}], got [${given.join(', ')}]`);
  }
  const result: Record<string, string> = {};
  for (const label of labelNames) result[label] = String(labels[label]);
  return result;
}
