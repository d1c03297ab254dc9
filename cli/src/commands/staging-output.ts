// How `cascade staging` prints for people: the list as a table, one staging in sections, its history, its action log
// with the control-script runs. `-o json` prints the API's answers as they are instead.
import type { StagingActionRecord } from '@cascade/common';
import type { SecretKeyView, StagingActionLog, StagingDetail, StagingHistoryEntry, StagingList, StagingScriptRun, StagingView } from '@cascade/common/api';
import { WITHHELD } from '@cascade/common/api';
import { formatDuration } from '@cascade/common/config';
import { formatTable, shortCommit } from '../client/table.ts';

/** The list: one row per staging, then the kinds with their room. */
export function stagingListText(list: StagingList): string {
  if (list.stagings.length === 0) return `no stagings${list.kinds.length > 0 ? `; kinds: ${list.kinds.map((k) => k.name).join(', ')}` : ' (stagings.yaml defines no kinds)'}`;
  const rows = list.stagings.map((s) => [s.name, s.kind, s.tag, s.state, s.phase ?? '-', s.links[0]?.url ?? '-', changeText(s), nextStepText(s)]);
  const kinds = list.kinds.map((k) => `${k.name}: ${k.counted}${k.limit === undefined ? '' : `/${k.limit}`} in use (template ${k.template})`);
  return [formatTable(['NAME', 'KIND', 'TAG', 'STATE', 'PHASE', 'LINK', 'CHANGED', 'NEXT'], rows), '', ...kinds].join('\n');
}

/** One staging: where it runs, its settings (withheld values as `(hidden)`), secrets, resources and history. */
export function stagingDetailText(staging: StagingDetail): string {
  const lines = [
    `${staging.name}: kind ${staging.kind}, tag ${staging.tag}, ${staging.state}${staging.phase ? ` (${staging.phase}${staging.reason ? `: ${staging.reason}` : ''})` : ''}`,
    ...(staging.namespace ? [`namespace ${staging.namespace}${staging.target ? ` on ${staging.target}` : ''}`] : []),
    ...staging.links.map((link) => `${link.name}: ${link.url}`),
    ...(staging.branch ? [`branch ${staging.branch}`] : []),
    ...(staging.lastChange ? [`last change ${changeText(staging)}`] : []),
    ...(nextStepText(staging) !== '-' ? [nextStepText(staging)] : []),
    ...(staging.problems ?? []).map((p) => `problem: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`),
  ];
  const settings = [
    ...Object.entries(staging.app).map(([key, value]) => ['app', key, value === WITHHELD ? '(hidden)' : oneLine(value)]),
    ...Object.entries(staging.deployment).map(([key, value]) => ['deployment', key, value === WITHHELD ? '(hidden)' : oneLine(JSON.stringify(value))]),
    ...staging.secrets.map((secret) => ['secret', secret.key, secretText(secret)]),
    ...Object.entries(staging.versions).flatMap(([resource, fields]) => Object.entries(fields).map(([key, value]) => [`versions ${resource}`, key, value === WITHHELD ? '(hidden)' : oneLine(JSON.stringify(value))])),
  ];
  if (settings.length > 0) lines.push('', formatTable(['SETTING', 'KEY', 'VALUE'], settings));
  if (staging.resources.length > 0) {
    const rows = staging.resources.map((r) => [r.name, r.state, r.version ?? '-', r.liveVersion ?? '-', r.scriptState ?? r.reason ?? (r.errors[0]?.message ?? '-')]);
    lines.push('', formatTable(['RESOURCE', 'ROLLOUT', 'VERSION', 'LIVE', 'DETAIL'], rows));
  }
  for (const error of staging.errors) lines.push(`error: ${error.code}: ${error.message}`);
  if (staging.history.length > 0) lines.push('', stagingHistoryText(staging.history));
  return lines.join('\n');
}

/** A staging's commits, newest first. */
export function stagingHistoryText(history: StagingHistoryEntry[]): string {
  const rows = history.map((e) => [shortCommit(e.commit), e.time.slice(0, 16).replace('T', ' '), e.action ?? 'edit', e.author, e.subject]);
  return formatTable(['COMMIT', 'TIME', 'ACTION', 'AUTHOR', 'SUBJECT'], rows);
}

/** The action log: the deployer's steps as a table, then each control-script run with its argv and output, oldest first. */
export function stagingActionLogText(log: StagingActionLog): string {
  const lines = ['ACTIONS'];
  if (log.actions.length === 0) lines.push('(the deployer has recorded no action for this staging yet)');
  else lines.push(formatTable(['STARTED', 'ACTION', 'RESULT', 'DURATION', 'COMMIT', 'MESSAGE'], log.actions.map(actionRow)));
  if (log.scriptRuns !== undefined) lines.push('', 'CONTROL-SCRIPT RUNS', ...log.scriptRuns.flatMap(scriptRunLines));
  return lines.join('\n');
}

function actionRow(record: StagingActionRecord): string[] {
  const duration = record.durationMs === undefined ? '-' : formatDuration(record.durationMs);
  return [timeText(record.startedAt), record.action, record.result, duration, shortCommit(record.commit), record.message === undefined ? '-' : oneLine(terminalSafe(record.message))];
}

/** One run: what ran, how it ended and how long it took; the argv as a shell would read it; its output indented. */
function scriptRunLines(run: StagingScriptRun): string[] {
  const lines = [`${timeText(run.startedAt)}  ${run.action}  ${endText(run)}  ${formatDuration(run.durationMs)}`, `  $ ${[run.action, ...run.args].map(shellWord).join(' ')}`];
  for (const [stream, text] of [['stdout', run.stdout], ['stderr', run.stderr]] as const) {
    if (text === '') continue;
    lines.push(`  ${stream}:`, ...terminalSafe(text.replace(/\n$/, '')).split('\n').map((line) => `    ${line}`));
  }
  return lines;
}

function endText(run: StagingScriptRun): string {
  if (run.startError !== undefined) return `could not start: ${terminalSafe(run.startError)}`;
  if (run.timedOut) return 'timed out';
  return run.exitCode === null ? 'killed' : `exit ${run.exitCode}`;
}

/** An argument as a shell would need it: bare when it is plain, JSON-quoted otherwise. */
function shellWord(arg: string): string {
  return /^[\w./:=@%+,-]+$/.test(arg) ? arg : JSON.stringify(arg);
}

/** Control characters but newline and tab escaped, so script output cannot move the cursor or recolour the terminal. */
function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `2026-12-01 10:00:04` of an ISO 8601 time. */
function timeText(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ');
}

/** `2026-12-01 10:00 by alice (create)`, or `-`. */
function changeText(staging: StagingView): string {
  const change = staging.lastChange;
  if (change === undefined) return '-';
  return `${change.time.slice(0, 16).replace('T', ' ')} by ${change.author}${change.action ? ` (${change.action})` : ''}`;
}

/** When the staging is archived or cleaned up by itself, or `-`. */
function nextStepText(staging: StagingView): string {
  if (staging.archiveAt) return `archived after ${staging.archiveAt.slice(0, 10)} unless updated`;
  if (staging.cleanupAt) return `cleaned up after ${staging.cleanupAt.slice(0, 10)} unless restored`;
  return '-';
}

/** A secret as the table shows it: never the value, only who set it. */
function secretText(secret: SecretKeyView): string {
  return `(secret${secret.setBy ? `, set by ${secret.setBy}` : ''}${secret.setAt ? ` on ${secret.setAt.slice(0, 10)}` : ''})`;
}

/** A value on one table line: multi-line text shown JSON-quoted. */
function oneLine(value: string): string {
  return /[\r\n]/.test(value) ? JSON.stringify(value) : value;
}
