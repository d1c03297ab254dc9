// A small Prometheus registry: counters, gauges and histograms with labels, rendered in text exposition format 0.0.4.

/** The content type of `/metrics` responses. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Label values of one series, by label name. */
export type Labels = Record<string, string | number>;

/** Bucket upper bounds (seconds) suited to request and run durations. */
export const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

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

interface Family {
  kind: Kind;
  help: string;
  labelNames: readonly string[];
  buckets: number[];
  /** Series by encoded label set; scalar metrics keep one value, histograms bucket counts + sum + count. */
  series: Map<string, { labels: Labels; values: number[] }>;
}

/** A set of metrics rendered together at `/metrics`; one per process, passed as an argument. */
export class MetricsRegistry {
  private readonly families = new Map<string, Family>();
  private readonly collectors: (() => void)[] = [];

  /** Returns the counter `name`, creating it on first use; several components may share one. */
  counter(options: MetricOptions): Counter {
    const family = this.family('counter', options);
    return {
      inc: (labels = {}, by = 1) => {
        if (by < 0) throw new RangeError(`counter ${options.name} cannot decrease`);
        this.series(options.name, family, labels, 1)[0]! += by;
      },
    };
  }

  /** Returns the gauge `name`, creating it on first use. */
  gauge(options: MetricOptions): Gauge {
    const family = this.family('gauge', options);
    return {
      set: (labels, value) => void (this.series(options.name, family, labels, 1)[0] = value),
      inc: (labels = {}, by = 1) => void (this.series(options.name, family, labels, 1)[0]! += by),
      reset: () => family.series.clear(),
    };
  }

  /** Returns the histogram `name`, creating it on first use; `buckets` are upper bounds, `+Inf` is implied. */
  histogram(options: MetricOptions & { buckets?: readonly number[] }): Histogram {
    const family = this.family('histogram', options, [...(options.buckets ?? DEFAULT_BUCKETS)].sort((a, b) => a - b));
    return {
      observe: (labels, value) => {
        const values = this.series(options.name, family, labels, family.buckets.length + 2);
        family.buckets.forEach((bound, i) => {
          if (value <= bound) values[i]! += 1;
        });
        values[family.buckets.length]! += value;
        values[family.buckets.length + 1]! += 1;
      },
    };
  }

  /** Registers a callback run before every render, for gauges computed from current state. */
  onCollect(collect: () => void): void {
    this.collectors.push(collect);
  }

  /** Renders every metric in the Prometheus text exposition format 0.0.4. */
  render(): string {
    for (const collect of this.collectors) collect();
    const out: string[] = [];
    for (const [name, family] of this.families) {
      out.push(`# HELP ${name} ${family.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`);
      out.push(`# TYPE ${name} ${family.kind}`);
      for (const { labels, values } of family.series.values()) {
        if (family.kind !== 'histogram') {
          out.push(`${name}${labelText(labels)} ${numberText(values[0]!)}`);
          continue;
        }
        const count = values[family.buckets.length + 1]!;
        family.buckets.forEach((bound, i) =>
          out.push(`${name}_bucket${labelText({ ...labels, le: numberText(bound) })} ${values[i]}`),
        );
        out.push(`${name}_bucket${labelText({ ...labels, le: '+Inf' })} ${count}`);
        out.push(`${name}_sum${labelText(labels)} ${numberText(values[family.buckets.length]!)}`);
        out.push(`${name}_count${labelText(labels)} ${count}`);
      }
    }
    return out.join('\n') + '\n';
  }

  private family(kind: Kind, options: MetricOptions, buckets: number[] = []): Family {
    const { name, help, labelNames = [] } = options;
    if (!METRIC_NAME.test(name)) throw new TypeError(`invalid metric name ${JSON.stringify(name)}`);
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__') || label === 'le') {
        throw new TypeError(`metric ${name}: invalid label name ${JSON.stringify(label)}`);
      }
    }
    const existing = this.families.get(name);
    if (existing) {
      // Sharing is fine; two different definitions under one name would render a broken exposition.
      if (existing.kind !== kind || existing.labelNames.join() !== labelNames.join() || existing.buckets.join() !== buckets.join()) {
        throw new TypeError(`metric ${name} is already registered with a different type, labels or buckets`);
      }
      return existing;
    }
    const family: Family = { kind, help, labelNames: [...labelNames], buckets, series: new Map() };
    this.families.set(name, family);
    return family;
  }

  private series(name: string, family: Family, labels: Labels, size: number): number[] {
    const given = Object.keys(labels);
    if (given.length !== family.labelNames.length || !family.labelNames.every((l) => l in labels)) {
      throw new TypeError(`metric ${name} takes labels [${family.labelNames.join(', ')}], got [${given.join(', ')}]`);
    }
    const ordered: Labels = {};
    for (const label of family.labelNames) ordered[label] = String(labels[label]);
    const key = JSON.stringify(ordered);
    let entry = family.series.get(key);
    if (!entry) {
      entry = { labels: ordered, values: new Array<number>(size).fill(0) };
      family.series.set(key, entry);
    }
    return entry.values;
  }
}

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(
    ([key, value]) => `${key}="${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function numberText(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
