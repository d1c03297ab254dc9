// Histogram totals from Prometheus text: the services' /metrics and the API server's, read before and after a
// step so the difference tells how many observations the step made and how long they took in all.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** Observations of a histogram (or the part of it whose labels match) and their summed seconds. */
export interface HistogramTotal {
  count: number;
  sumSeconds: number;
}

/** Adds up `<name>_count` and `<name>_sum` over every sample whose labels contain each of `labels` (`key="value"`). */
export function histogramTotal(text: string, name: string, labels: string[] = []): HistogramTotal {
  const total = { count: 0, sumSeconds: 0 };
  for (const line of text.split('\n')) {
    const match = /^(\w+?)_(sum|count)(\{[^}]*\})? ([\d.eE+-]+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (!labels.every((label) => (match[3] ?? '').includes(label))) continue;
    if (match[2] === 'count') total.count += Number(match[4]);
    else total.sumSeconds += Number(match[4]);
  }
  return total;
}

/** Adds up the samples of counter `name` (`<name>_total`) over all its labels. */
export function counterTotal(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^(\w+?)_total(\{[^}]*\})? ([\d.eE+-]+)$/.exec(line);
    if (match && match[1] === name) total += Number(match[3]);
  }
  return total;
}

/** The deployer's work that no push asked for: periodic full reconciles and lists its watches took. */
export interface BackgroundWork {
  fullReconciles: number;
  watchLists: number;
}

/** Reads the deployer's background-work counters from its /metrics text. */
export function backgroundWork(text: string): BackgroundWork {
  return { fullReconciles: counterTotal(text, 'cascade_deployer_full_reconciles'), watchLists: counterTotal(text, 'cascade_deployer_watch_lists') };
}

/** What background work happened between two readings. */
export function backgroundWorkDelta(before: BackgroundWork, after: BackgroundWork): BackgroundWork {
  return { fullReconciles: after.fullReconciles - before.fullReconciles, watchLists: after.watchLists - before.watchLists };
}

/** What happened between two readings of the same histogram. */
export function histogramDelta(before: HistogramTotal, after: HistogramTotal): HistogramTotal {
  return { count: after.count - before.count, sumSeconds: after.sumSeconds - before.sumSeconds };
}

/** The API server's own /metrics, fetched with kubectl (which already speaks its TLS and token). */
export async function apiServerMetrics(kubectl: string, kubeconfig: string): Promise<string> {
  const { stdout } = await promisify(execFile)(kubectl, ['--kubeconfig', kubeconfig, 'get', '--raw', '/metrics'], { maxBuffer: 256 * 1024 * 1024 });
  return stdout;
}

/** The labels of the API server's request histogram for server-side applies of one resource type. */
export function applyRequestLabels(resource: string): string[] {
  return ['verb="APPLY"', `resource="${resource}"`];
}

/** The resource types the scale repo applies, as the API server's request metrics name them. */
export const APPLIED_RESOURCES = ['configmaps', 'services', 'deployments'] as const;

/** Server-side applies per resource type: how many and their summed seconds, from one reading of the API server's /metrics. */
export type ApplyTotals = Record<(typeof APPLIED_RESOURCES)[number], HistogramTotal>;

/** The API server's apply totals per resource type the scale repo applies. */
export function applyTotals(text: string): ApplyTotals {
  return perResource((resource) => histogramTotal(text, 'apiserver_request_duration_seconds', applyRequestLabels(resource)));
}

/** What happened per resource type between two readings. */
export function applyTotalsDelta(before: ApplyTotals, after: ApplyTotals): ApplyTotals {
  return perResource((resource) => histogramDelta(before[resource], after[resource]));
}

function perResource(total: (resource: (typeof APPLIED_RESOURCES)[number]) => HistogramTotal): ApplyTotals {
  return Object.fromEntries(APPLIED_RESOURCES.map((resource) => [resource, total(resource)])) as ApplyTotals;
}

/** A service's V8 heap as its /metrics reports it (prom-client's process metrics), in MiB. */
export interface HeapGauges {
  /** Heap the V8 heap has reserved from the system. */
  totalMiB: number;
  /** Heap in use, garbage not yet collected included. */
  usedMiB: number;
  /** Memory of Buffers and other objects outside the V8 heap. */
  externalMiB: number;
}

/** The heap gauges from one /metrics text; NaN where a gauge is missing. */
export function heapGauges(text: string): HeapGauges {
  const gauge = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.eE+-]+)$`, 'm').exec(text)?.[1] ?? NaN) / 2 ** 20;
  return { totalMiB: gauge('nodejs_heap_size_total_bytes'), usedMiB: gauge('nodejs_heap_size_used_bytes'), externalMiB: gauge('nodejs_external_memory_bytes') };
}
