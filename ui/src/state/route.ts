// Hash routes, so every view has a link and the aggregator serves one index.html for all of them.
import { isCommitType, type CommitType } from '@cascade/common/api';
import { isRowFilter, type RowFilter } from '../model/matrix-rows.ts';
import { isStateFilter, type StagingStateFilter } from '../model/staging-list.ts';

/** Which view is open. */
export type Route =
  /** The matrix, searched by name or version (`q`) and narrowed to one kind of row (`show`). */
  | { view: 'matrix'; q?: string; show?: Exclude<RowFilter, 'all'> }
  /** A resource's detail; `env` scrolls to that environment's section. */
  | { view: 'resource'; name: string; env?: string }
  /** The branch's commits, filtered by environment, resource, commit type and staging. */
  | { view: 'history'; env?: string; resource?: string; type?: CommitType; excludeType?: CommitType; staging?: string }
  /** The stagings, filtered by kind and state, searched by name, tag or branch (`q`). */
  | { view: 'stagings'; kind?: string; state?: StagingStateFilter; q?: string }
  /** The form that creates a staging. */
  | { view: 'staging-new' }
  /** One staging's page. */
  | { view: 'staging'; name: string }
  /** The form that changes a staging's settings. */
  | { view: 'staging-edit'; name: string };

/** Reads a route from `location.hash`; anything unknown is the matrix, an unknown filter value is no filter. */
export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const params = new URLSearchParams(search);
  const optional = (key: string) => (params.get(key) ? { [key]: params.get(key)! } : {});
  if (path.startsWith('resource/')) {
    const name = decoded(path.slice('resource/'.length));
    return { view: 'resource', name, ...optional('env') };
  }
  if (path === 'history') {
    // A type the history does not know would only ask the aggregator for a refusal: show every type instead.
    const type = params.get('type');
    const excludeType = params.get('excludeType');
    return {
      view: 'history', ...optional('env'), ...optional('resource'), ...(type !== null && isCommitType(type) ? { type } : {}),
      ...(excludeType !== null && isCommitType(excludeType) ? { excludeType } : {}), ...optional('staging'),
    };
  }
  if (path === 'stagings') {
    const state = params.get('state');
    return { view: 'stagings', ...optional('kind'), ...(state !== null && isStateFilter(state) && state !== 'all' ? { state } : {}), ...optional('q') };
  }
  if (path === 'stagings/new') return { view: 'staging-new' };
  if (path.startsWith('staging/')) {
    const [name = '', action] = path.slice('staging/'.length).split('/');
    if (name !== '') return { view: action === 'edit' ? 'staging-edit' : 'staging', name: decoded(name) };
  }
  // An unknown row filter would show an empty matrix: show every row instead.
  const show = params.get('show');
  return { view: 'matrix', ...optional('q'), ...(show !== null && isRowFilter(show) && show !== 'all' ? { show } : {}) };
}

/** The hash of a route, e.g. `#/resource/shop%2Fcart?env=pp`. */
export function routeHash(route: Route): string {
  const search = (params: Record<string, string | undefined>) => {
    const defined = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
    return defined.length === 0 ? '' : `?${new URLSearchParams(defined)}`;
  };
  switch (route.view) {
    case 'matrix':
      return `#/${search({ q: route.q, show: route.show })}`;
    case 'resource':
      return `#/resource/${encodeURIComponent(route.name)}${search({ env: route.env })}`;
    case 'history':
      return `#/history${search({ env: route.env, resource: route.resource, type: route.type, excludeType: route.excludeType, staging: route.staging })}`;
    case 'stagings':
      return `#/stagings${search({ kind: route.kind, state: route.state === 'all' ? undefined : route.state, q: route.q })}`;
    case 'staging-new':
      return '#/stagings/new';
    case 'staging':
      return `#/staging/${encodeURIComponent(route.name)}`;
    case 'staging-edit':
      return `#/staging/${encodeURIComponent(route.name)}/edit`;
  }
}

/** A path segment decoded; a pasted link with a stray `%` keeps its text rather than breaking the page. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
