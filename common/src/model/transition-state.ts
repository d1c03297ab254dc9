// `transition_state.yaml`: written by the transitioner, the next scheduled run per transition and the schedule it was computed for.
import type { Problem } from './problem.ts';
import type { TransitionState } from './types.ts';
import { isPlainMap, nodeAt, readSingleDocument, problemAt, type YamlSource } from './yaml-file.ts';

/** Parses transition_state.yaml; bad entries are reported and ignored (the schedule is then recomputed). */
export function parseTransitionStateFile(file: string, source: YamlSource): { state: Record<string, TransitionState>; problems: Problem[] } {
  // No prototype: a transition named `constructor` has no state, and a `__proto__` entry is just an entry.
  const state = Object.create(null) as Record<string, TransitionState>;
  const read = readSingleDocument(file, source);
  if ('problems' in read) return { state, problems: read.problems };
  const { yaml, doc, value } = read;
  if (doc === undefined) return { state, problems: [] };
  const transitions = isPlainMap(value) ? value['transitions'] : undefined;
  if (transitions === null || transitions === undefined) return { state, problems: [] };
  const problems: Problem[] = [];
  if (!isPlainMap(transitions)) {
    return { state, problems: [problemAt(yaml, doc.contents, 'state-bad-shape', 'transition_state.yaml must be a map "transitions:" of name to { nextRun, lastRun, schedule, timezone }')] };
  }
  for (const [name, entry] of Object.entries(transitions)) {
    if (!isPlainMap(entry)) {
      problems.push(problemAt(yaml, nodeAt(doc, ['transitions', name]), 'state-bad-entry', `transitions.${name} must be a map with nextRun and lastRun`));
      continue;
    }
    const item: TransitionState = {};
    for (const key of ['nextRun', 'lastRun'] as const) {
      const time = entry[key];
      if (time === undefined || time === null) continue;
      if (typeof time === 'string' && !Number.isNaN(Date.parse(time))) item[key] = time;
      else problems.push(problemAt(yaml, nodeAt(doc, ['transitions', name, key]), 'state-bad-time', `transitions.${name}.${key} must be an ISO 8601 time`));
    }
    let unknownOrigin = false;
    for (const key of ['schedule', 'timezone'] as const) {
      const text = entry[key];
      if (text === undefined || text === null) continue;
      if (typeof text === 'string' && text.trim() !== '') {
        item[key] = text;
        continue;
      }
      problems.push(problemAt(yaml, nodeAt(doc, ['transitions', name, key]), 'state-bad-schedule', `transitions.${name}.${key} must be the ${key} nextRun was computed for, a non-empty string`));
      unknownOrigin = true;
    }
    // A nextRun whose schedule cannot be read may belong to any schedule: drop it, so it is computed again.
    if (unknownOrigin) delete item.nextRun;
    state[name] = item;
  }
  return { state, problems };
}
