// `transitions.yaml`: promotion rules in priority order.
import type { Document } from 'yaml';
import type { Problem } from './problem.ts';
import type { Precondition, Transition } from './types.ts';
import { checkEnvName, ENV_NAME_RULE } from './names.ts';
import { checkSchedule } from './schedule.ts';
import { isPlainMap, nodeAt, readSingleDocument, problemAt, type YamlFile, type YamlSource } from './yaml-file.ts';

const TRANSITION_KEYS = new Set(['source', 'target', 'preconditions', 'schedule', 'timezone']);

/** Parses transitions.yaml; a malformed rule is reported and left out, the others still count. */
export function parseTransitionsFile(file: string, source: YamlSource): { transitions: Transition[]; problems: Problem[] } {
  const read = readSingleDocument(file, source);
  if ('problems' in read) return { transitions: [], problems: read.problems };
  const { yaml, doc, value } = read;
  if (doc === undefined) return { transitions: [], problems: [] };
  const rules = isPlainMap(value) ? value['transitions'] : undefined;
  if (!isPlainMap(value) || (rules !== undefined && rules !== null && !isPlainMap(rules))) {
    return { transitions: [], problems: [problemAt(yaml, doc.contents, 'transitions-bad-shape', 'transitions.yaml must be a map "transitions:" of name to { source, target, … }')] };
  }
  const problems: Problem[] = [];
  for (const key of Object.keys(value)) {
    if (key !== 'transitions') problems.push(problemAt(yaml, nodeAt(doc, [key]), 'transitions-unknown-key', `unknown key "${key}"; expected "transitions"`));
  }
  const transitions: Transition[] = [];
  for (const [name, rule] of Object.entries(rules ?? {})) {
    const parsed = parseRule(yaml, doc, name, rule, problems);
    if (parsed) transitions.push(parsed);
  }
  return { transitions, problems };
}

/** Parses one rule, pushing a located problem for each bad field. */
function parseRule(yaml: YamlFile, doc: Document.Parsed, name: string, rule: unknown, problems: Problem[]): Transition | undefined {
  const at = (path: Array<string | number>, code: string, message: string) =>
    problems.push(problemAt(yaml, nodeAt(doc, ['transitions', name, ...path]), code, `transition "${name}": ${message}`));
  const before = problems.length;
  if (checkEnvName(name)) at([], 'transition-bad-name', `name ${ENV_NAME_RULE}`);
  if (!isPlainMap(rule)) {
    at([], 'transition-bad-shape', 'must be a map with source and target');
    return undefined;
  }
  for (const key of Object.keys(rule)) {
    if (!TRANSITION_KEYS.has(key)) at([key], 'transition-unknown-key', `unknown key "${key}"; expected one of ${[...TRANSITION_KEYS].join(', ')}`);
  }
  const { source, target, schedule, timezone } = rule;
  for (const [key, env] of [['source', source], ['target', target]] as const) {
    if (typeof env !== 'string') at([key], 'transition-missing-env', `"${key}" must be an environment name`);
    else if (checkEnvName(env)) at([key], 'transition-bad-env', checkEnvName(env) ?? '');
  }
  if (typeof source === 'string' && source === target) at(['target'], 'transition-self', 'source and target must differ');
  if (schedule !== undefined && typeof schedule !== 'string') at(['schedule'], 'transition-bad-schedule', '"schedule" must be a cron string');
  if (timezone !== undefined && typeof timezone !== 'string') at(['timezone'], 'transition-bad-timezone', '"timezone" must be a string');
  if (typeof schedule === 'string') {
    const scheduleProblem = checkSchedule(schedule, typeof timezone === 'string' ? timezone : undefined);
    if (scheduleProblem) at(['schedule'], 'transition-bad-schedule', scheduleProblem);
  }
  const preconditions = parsePreconditions(rule['preconditions'], (index, message) => at(['preconditions', index], 'transition-bad-precondition', message));
  if (problems.length > before) return undefined;
  return {
    name,
    source: source as string,
    target: target as string,
    preconditions,
    ...(typeof schedule === 'string' ? { schedule } : {}),
    ...(typeof timezone === 'string' ? { timezone } : {}),
  };
}

/** Accepts `SourceClean` and `{ SoakTime: { minutes: 30 } }` entries. */
function parsePreconditions(raw: unknown, fail: (index: number, message: string) => void): Precondition[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    fail(0, '"preconditions" must be a list such as [SourceClean, { SoakTime: { minutes: 30 } }]');
    return [];
  }
  const result: Precondition[] = [];
  raw.forEach((entry, index) => {
    if (entry === 'SourceClean') return void result.push({ kind: 'SourceClean' });
    if (isPlainMap(entry) && Object.keys(entry).length === 1 && isPlainMap(entry['SoakTime'])) {
      const minutes = entry['SoakTime']['minutes'];
      if (typeof minutes === 'number' && Number.isFinite(minutes) && minutes >= 0) return void result.push({ kind: 'SoakTime', minutes });
      return fail(index, 'SoakTime.minutes must be a number of minutes >= 0');
    }
    fail(index, `unknown precondition ${JSON.stringify(entry)}; known: SourceClean, { SoakTime: { minutes: N } }`);
  });
  return result;
}
