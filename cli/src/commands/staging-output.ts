// How `cascade staging` prints for people: the list as a table, one staging in sections, its history. `-o json` prints
// the API's answers as they are instead.
import type { SecretKeyView, StagingDetail, StagingHistoryEntry, StagingList, StagingView } from '@cascade/common/api';
import { WITHHELD } from '@cascade/common/api';
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
