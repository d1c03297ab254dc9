// The commit messages the transitioner writes, and reading changelogs back out of earlier commits.
import { formatProblem, type Transition } from '@cascade/common';
import { cascadeTrailers, commitTypeOf, type CommitInfo } from '@cascade/common/git';
import { moveVersionWords } from '@cascade/common/api';
import type { HeldResource, PlannedResource } from './copy-plan.ts';
import { isPipelineHold } from './no-downgrade.ts';

/** Changelog text per promoted resource name, found by the shell in the commits that brought each version. */
export type Changelogs = ReadonlyMap<string, string>;

const INDENT = '  ';

/**
 * Trailers of a promotion commit: the transition, then a `Cascade-Resource` and `Cascade-Version` pair per resource
 * that arrives at a version, so the history names what moved without parsing the body.
 */
export function promotionTrailers(transition: Transition, resources: readonly PromotedResourceLike[] = []): Array<[string, string]> {
  const moved = resources.filter((r) => r.to !== undefined && r.change !== 'removed').flatMap((r): Array<[string, string]> => [['Cascade-Resource', r.name], ['Cascade-Version', r.to!]]);
  return [...cascadeTrailers('Transition', { transition: transition.name, source: transition.source, target: transition.target }), ...moved];
}

/** What a trailer needs of a promoted resource. */
type PromotedResourceLike = Pick<PlannedResource, 'name' | 'to' | 'change'>;

/**
 * `Promote dev → pp`, then the resources held in the target (`- name: problem`, before the sections so no
 * changelog takes them in), then one section per resource: a `* name from → to` line and the changelog
 * indented below it. The `* ` at the start of a line marks a section, so the next promotion can find it again.
 */
export function promotionMessage(transition: Transition, resources: readonly PlannedResource[], changelogs: Changelogs, held: readonly HeldResource[] = []): string {
  const sections = resources.map((resource) => {
    const header = `* ${resource.name} ${describeChange(resource)}`;
    const changelog = changelogs.get(resource.name)?.trim();
    if (!changelog) return header;
    const lines = changelog.split('\n').map((line) => (line.trim() === '' ? '' : INDENT + line.trimEnd()));
    return [header, ...lines].join('\n');
  });
  // A hold by the no-downgrade rule is a sentence of its own; a broken file is named with its place.
  const heldLines = held.map(({ name, problem }) => `- ${name}: ${isPipelineHold(problem) ? problem.message : formatProblem(problem)}`);
  return [
    `Promote ${transition.source} → ${transition.target}`,
    ...(heldLines.length > 0 ? ['', `Held (${transition.target} keeps what it has):`, ...heldLines] : []),
    ...(sections.length > 0 ? ['', sections.join('\n')] : []),
  ].join('\n');
}

/** Trailers of a commit that only records a schedule. */
export function scheduleTrailers(transition: Transition): Array<[string, string]> {
  return cascadeTrailers('Schedule', { transition: transition.name });
}

/** Subject of a commit that only records a schedule (a new schedule, or a window with nothing to promote). */
export function scheduleMessage(transition: Transition, nextRun: string | undefined): string {
  return `Schedule ${transition.name}: next window ${nextRun ?? 'never'}`;
}

/** `1.2 → 1.3`, `1.3 (new)`, `removed (was 1.2)`: the words the history reads back (common/src/api/move-words.ts). */
function describeChange(resource: PlannedResource): string {
  const version = (v: string | undefined) => v ?? '(unreadable version)';
  return moveVersionWords({
    ...(resource.change === 'added' ? {} : { from: version(resource.from) }),
    ...(resource.change === 'removed' ? {} : { to: version(resource.to) }),
  });
}

/**
 * The changelog a commit carries for one resource: a transition commit's section for it (what that promotion
 * carried), or for any other commit (the aggregator's version commits, a person's edit, a rollback) its
 * subject followed by its body, which is where the version push puts the changelog.
 */
export function changelogInCommit(commit: Pick<CommitInfo, 'subject' | 'body' | 'trailers'>, resource: string): string | undefined {
  const { subject, body, trailers } = commit;
  if (commitTypeOf(trailers) === 'Transition') return sectionOf(body, resource);
  const text = body ? `${subject}\n${body}` : subject;
  return text.trim() === '' ? undefined : text;
}

/** The indented lines under `* <resource> …` in a promotion body, de-indented; undefined without a section. */
function sectionOf(body: string, resource: string): string | undefined {
  const lines = body.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`* ${resource} `) || line === `* ${resource}`);
  if (start < 0) return undefined;
  const collected: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('* ')) break;
    collected.push(line.startsWith(INDENT) ? line.slice(INDENT.length) : line);
  }
  const text = collected.join('\n').trim();
  return text === '' ? undefined : text;
}
