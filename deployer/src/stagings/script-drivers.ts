// Which staging driver a script target has: the one that shares the target's settings, queue and logs, keeping its
// records under the deployer's data directory.
import { join } from 'node:path';
import type { ScriptTarget } from '../scripts/script-target.ts';
import type { Target } from '../targets/target.ts';
import type { StagingDriver } from './driver.ts';
import type { ScriptStagingDriver } from './script-driver.ts';
import { createScriptStagingDriver } from './script-driver.ts';

// One driver per target and data directory: its records and jobs live in it, so every pass must get the same one.
const driversByTarget = new WeakMap<Target, Map<string, ScriptStagingDriver>>();

/** Where the staging driver of a target should keep its records, under the deployer's data directory. */
export interface ScriptStagingDriverPlace {
  /** The deployer's `dataDir`; records go to `<dataDir>/script-stagings/<target>/<staging>.json`. */
  dataDir: string;
  /** Told when background work changed a staging's status, so the service runs a pass and publishes it. */
  onChange?: (staging: string) => void;
  /** First repeat of a failing `archive_check`; default 5 s. */
  archiveCheckRetryMs?: number;
}

/**
 * The staging driver of a script target built by `buildTargets`, sharing its settings, queue and logs; undefined for
 * other targets. The same driver is returned for the same target and data directory (the first call's options hold).
 */
export function scriptStagingDriver(target: Target, place: ScriptStagingDriverPlace): ScriptStagingDriver | undefined {
  if (!('shared' in target)) return undefined;
  const { options, queue, closed } = (target as ScriptTarget).shared;
  const byDir = driversByTarget.get(target) ?? new Map<string, ScriptStagingDriver>();
  driversByTarget.set(target, byDir);
  const existing = byDir.get(place.dataDir);
  if (existing !== undefined) return existing;
  const driver = createScriptStagingDriver({
    target: options.name,
    project: options.project,
    runner: options.runner,
    ...(options.configTransport === undefined ? {} : { configTransport: options.configTransport }),
    ...(options.checkIntervalMs === undefined ? {} : { checkIntervalMs: options.checkIntervalMs }),
    ...(place.archiveCheckRetryMs === undefined ? {} : { archiveCheckRetryMs: place.archiveCheckRetryMs }),
    queue,
    logs: options.logs,
    logger: options.logger.child({ stagings: true }),
    recordDir: join(place.dataDir, 'script-stagings', options.name),
    ...(place.onChange === undefined ? {} : { onChange: place.onChange }),
    closed,
  });
  byDir.set(place.dataDir, driver);
  return driver;
}

/** The staging drivers of every script target among `targets`, by target name (`DeployerDeps.stagingDrivers`). */
export function scriptStagingDrivers(targets: ReadonlyMap<string, Target>, place: ScriptStagingDriverPlace): Map<string, StagingDriver> {
  const drivers = new Map<string, StagingDriver>();
  for (const [name, target] of targets) {
    const driver = scriptStagingDriver(target, place);
    if (driver !== undefined) drivers.set(name, driver);
  }
  return drivers;
}
