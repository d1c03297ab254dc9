// What a caller without `secrets:read` may see of the status: version-file values withheld by rule. Pure, no I/O.
import type { AggregatorStatus, ResourceInEnv, ResourceView, StagingDetail, StatusDelta, StatusEvent } from '@cascade/common/api';
import { WITHHELD } from '@cascade/common/api';
import type { YamlValue } from '@cascade/common';
import { isSecretKey, redact } from '@cascade/common/service';
import type { PublicConfigRule } from './public-config.ts';

// The version-file maps whose values are application and deployment config: secret unless declared public.
const CONFIG_MAPS: ReadonlySet<string> = new Set(['config', 'deploymentConfig']);

/** A version file's fields as a viewer sees them, and the paths of the values withheld. */
export function withholdFields(fields: Record<string, YamlValue>, isPublic: PublicConfigRule): { fields: Record<string, YamlValue>; withheld: string[] } {
  const withheld: string[] = [];
  const hide = (path: string): YamlValue => {
    withheld.push(path);
    return WITHHELD;
  };
  // fromEntries defines own fields: a `__proto__` key from the repo stays a field, never the copy's prototype.
  const shown = Object.fromEntries(
    Object.entries(fields).map(([key, value]): [string, YamlValue] => {
      if (CONFIG_MAPS.has(key)) {
        if (value === null) return [key, value];
        if (!isMap(value)) return [key, hide(key)];
        return [key, Object.fromEntries(Object.entries(value).map(([name, item]) => [name, isPublic(name) ? shownValue(item) : hide(`${key}.${name}`)]))];
      }
      // `version` is the one key every reader needs, whatever a secret-looking pattern says.
      if (key !== 'version' && isSecretKey(key)) return [key, hide(key)];
      return [key, shownValue(value)];
    }),
  );
  return { fields: shown, withheld };
}

/** One resource in one environment as a viewer sees it. */
function viewResourceInEnv(state: ResourceInEnv, isPublic: PublicConfigRule): ResourceInEnv {
  if (state.fields === undefined) return state;
  const { fields, withheld } = withholdFields(state.fields, isPublic);
  const { withheld: _previous, ...rest } = state;
  return { ...rest, fields, ...(withheld.length > 0 ? { withheld } : {}) };
}

/** A resource across the pipeline as a viewer sees it. */
function viewResource(resource: ResourceView, isPublic: PublicConfigRule): ResourceView {
  return { ...resource, envs: Object.fromEntries(Object.entries(resource.envs).map(([env, state]) => [env, viewResourceInEnv(state, isPublic)])) };
}

/** The whole status as a viewer sees it. */
export function viewStatus(status: AggregatorStatus, isPublic: PublicConfigRule): AggregatorStatus {
  return { ...status, resources: status.resources.map((r) => viewResource(r, isPublic)) };
}

/** A delta as a viewer sees it; applied to the viewer's snapshot it gives the viewer's view of the new state. */
function viewDelta(delta: StatusDelta, isPublic: PublicConfigRule): StatusDelta {
  if (delta.resources === undefined) return delta;
  return { ...delta, resources: { upsert: delta.resources.upsert.map((r) => viewResource(r, isPublic)), remove: delta.resources.remove } };
}

/** An event of the live stream as a viewer sees it. */
export function viewEvent(event: StatusEvent, isPublic: PublicConfigRule): StatusEvent {
  return event.type === 'snapshot' ? { ...event, status: viewStatus(event.status, isPublic) } : { ...event, delta: viewDelta(event.delta, isPublic) };
}

/**
 * A staging's settings as a viewer sees them: `app` and `deployment` values not declared public withheld (they are the
 * staging's application and deployment config, as `config` and `deploymentConfig` are a version file's), and fields
 * of `versions` as in a version file.
 */
export function viewStagingDetail(detail: StagingDetail, isPublic: PublicConfigRule): StagingDetail {
  const withheld: string[] = [];
  const shownMap = <T extends YamlValue>(map: Record<string, T>, prefix: string): Record<string, T | typeof WITHHELD> =>
    Object.fromEntries(Object.entries(map).map(([key, value]) => {
      if (isPublic(key)) return [key, shownValue(value) as T];
      withheld.push(`${prefix}.${key}`);
      return [key, WITHHELD];
    }));
  const app = shownMap(detail.app, 'app') as Record<string, string>;
  const deployment = shownMap(detail.deployment, 'deployment');
  const versions = Object.fromEntries(
    Object.entries(detail.versions).map(([resource, fields]) => {
      const view = withholdFields(fields, isPublic);
      withheld.push(...view.withheld.map((path) => `versions.${resource}.${path}`));
      return [resource, view.fields];
    }),
  );
  const { withheld: _previous, ...rest } = detail;
  return { ...rest, app, deployment, versions, ...(withheld.length > 0 ? { withheld } : {}) };
}

/** A value a viewer may see, with nested secret-named keys and bearer credentials still cut out, as in logs. */
function shownValue(value: YamlValue): YamlValue {
  return redact(value) as YamlValue;
}

function isMap(value: YamlValue): value is { [key: string]: YamlValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
