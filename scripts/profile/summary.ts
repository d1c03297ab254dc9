// Where a V8 CPU profile (`node --cpu-prof`, Chrome DevTools' format) spent a stretch of time: self and inclusive
// milliseconds per function, counting only the samples taken inside the window. No I/O.

/** The parts of a `.cpuprofile` the summary reads. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  /** Microseconds on the machine's monotonic clock, as `process.hrtime` reads it in any process. */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Milliseconds per function, most first. */
export interface ProfileSummary {
  totalMs: number;
  self: Array<[string, number]>;
  inclusive: Array<[string, number]>;
}

/** Sums the samples taken between `from` and `to` (monotonic microseconds; the whole profile without them). */
export function summarizeWindow(profile: CpuProfile, window: { from?: number; to?: number } = {}): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);
  let time = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, index) => {
    time += profile.timeDeltas[index] ?? 0;
    // A sample stands for the time since the one before it.
    const us = profile.timeDeltas[index + 1] ?? 0;
    if ((window.from !== undefined && time < window.from) || (window.to !== undefined && time >= window.to)) return;
    total += us;
    add(self, frameName(byId.get(id)), us);
    // A recursive function counts once per sample in its inclusive time.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = frameName(byId.get(at));
      if (!seen.has(name)) add(inclusive, name, us);
      seen.add(name);
    }
  });
  const sorted = (map: Map<string, number>) => [...map].map(([name, us]): [string, number] => [name, us / 1000]).sort((a, b) => b[1] - a[1]);
  return { totalMs: total / 1000, self: sorted(self), inclusive: sorted(inclusive) };
}

/** `function file:line`, the file without its folders. */
function frameName(node: CpuProfile['nodes'][number] | undefined): string {
  if (node === undefined) return '(unknown)';
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url.split('/').pop() ?? ''}:${lineNumber + 1}`;
}
