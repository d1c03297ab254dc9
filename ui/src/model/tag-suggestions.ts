// Tags a staging form offers: the versions the kind's template environment's resources have seen, newest first.
import type { AggregatorStatus } from '../api/wire.ts';

/** Most tags offered; a long history need not fill the list. */
const MAX_SUGGESTIONS = 30;

/** The versions known for the resources of environment `template`, newest first (unknown times last), each once. */
export function tagSuggestions(status: Pick<AggregatorStatus, 'resources'> | undefined, template: string | undefined): string[] {
  if (status === undefined || template === undefined) return [];
  const found = new Map<string, number>();
  for (const resource of status.resources) {
    if (resource.envs[template] === undefined) continue;
    for (const known of resource.versions) {
      const time = known.time === undefined ? 0 : Date.parse(known.time) || 0;
      found.set(known.version, Math.max(found.get(known.version) ?? 0, time));
    }
  }
  return [...found.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0))
    .slice(0, MAX_SUGGESTIONS)
    .map(([version]) => version);
}
