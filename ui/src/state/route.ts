// Hash routes, so every view has a link and the aggregator serves one index.html for all of them.
import { isCommitType, type CommitType } from '@cascade/common/api';

/** Which view is open. */
export type Route =
  | { view: 'matrix' }
  /** A resource's detail; `env` scrolls to that environment's section. */
  | { view: 'resource'; name: string; env?: string }
  | { view: 'history'; env?: string; resource?: string; type?: CommitType };

/** Reads a route from `location.hash`; anything unknown is the matrix. */
export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const params = new URLSearchParams(search);
  const optional = (key: string) => (params.get(key) ? { [key]: params.get(key)! } : {});
  if (path.startsWith('resource/')) {
    const name = decodeURIComponent(path.slice('resource/'.length));
    return { view: 'resource', name, ...optional('env') };
  }
  if (path === 'history') {
    // A type the history does not know would only ask the aggregator for a refusal: show every type instead.
    const type = params.get('type');
    return { view: 'history', ...optional('env'), ...optional('resource'), ...(type !== null && isCommitType(type) ? { type } : {}) };
  }
  return { view: 'matrix' };
}

/** The hash of a route, e.g. `#/resource/shop%2Fcart?env=pp`. */
export function routeHash(route: Route): string {
  const search = (params: Record<string, string | undefined>) => {
    const defined = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '');
    return defined.length === 0 ? '' : `?${new URLSearchParams(defined)}`;
  };
  switch (route.view) {
    case 'matrix':
      return '#/';
    case 'resource':
      return `#/resource/${encodeURIComponent(route.name)}${search({ env: route.env })}`;
    case 'history':
      return `#/history${search({ env: route.env, resource: route.resource, type: route.type })}`;
  }
}
