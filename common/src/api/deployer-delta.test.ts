import { describe, expect, it } from 'vitest';
import { DEPLOYER_STATUS_DELTA } from '../peers/wire-shapes.ts';
import type { DeployerStatus, EnvironmentStatus, ResourceStatus } from '../status/deployer.ts';
import { DeltaMismatchError } from './deployer-patch.ts';
import { applyDeployerStatusDelta, deployerStatusDelta } from './deployer-delta.ts';
import { madeFrom } from './report-lineage.ts';

const STATES = ['Clean', 'InProgress', 'Outdated', 'Failed'] as const;
/** As a peer holds a status: parsed from the wire, sharing no object with the deployer's. */
const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('deployer status deltas', () => {
  it('bring a peer’s copy to the new status, over random passes (changed, added, removed and reordered resources)', () => {
    let seed = 5;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const resource = (name: string): ResourceStatus => ({ name, state: pick(STATES), version: `1.${Math.floor(random() * 4)}`, errors: [] });
    const nextEnvironment = (report: EnvironmentStatus): EnvironmentStatus => {
      const roll = random();
      if (roll < 0.3) return report;
      if (roll < 0.45) return { ...report, lastSuccess: `t${Math.floor(random() * 9)}` };
      const resources = report.resources.map((r) => (random() < 0.2 ? resource(r.name) : r));
      // Made in place, the deployer says which places it replaced (deltas then look at those only).
      if (roll >= 0.68 && random() < 0.7) madeFrom(resources, report.resources, resources.flatMap((r, i) => (r === report.resources[i] ? [] : [i])));
      if (roll < 0.55) resources.push(resource(`svc-${Math.floor(random() * 1000)}`));
      else if (roll < 0.62 && resources.length > 0) resources.splice(Math.floor(random() * resources.length), 1);
      else if (roll < 0.68 && resources.length > 1) resources.reverse();
      return { ...report, state: pick(STATES), resources };
    };
    let deltas = 0;
    for (let run = 0; run < 40; run++) {
      let status: DeployerStatus = {
        commit: 'c0',
        environments: ['dev', 'pp', 'prod'].map((env) => ({ env, target: 'local', state: 'Clean', resources: Array.from({ length: 1 + Math.floor(random() * 6) }, (_, i) => resource(`svc-${i}`)) })),
      };
      let held = wire(status);
      for (let pass = 1; pass <= 10; pass++) {
        const next: DeployerStatus = { commit: `c${pass}`, environments: status.environments.map(nextEnvironment), ...(random() < 0.3 ? { stagings: [] } : {}) };
        if (random() < 0.05) next.environments.push({ env: `extra-${pass}`, target: 'local', state: 'Outdated', resources: [] });
        const delta = deployerStatusDelta(status, next, `"tag-${pass - 1}"`);
        if (delta === undefined) {
          expect(next.environments.map((e) => e.env)).not.toEqual(status.environments.map((e) => e.env));
          held = wire(next);
        } else {
          deltas++;
          const sent = wire(delta);
          expect(DEPLOYER_STATUS_DELTA.mismatch(sent)).toBeUndefined();
          const applied = applyDeployerStatusDelta(held, sent);
          expect(applied).toEqual(wire(next));
          // What did not change stays the peer's own object.
          applied.environments.forEach((report, index) => {
            if (next.environments[index] === status.environments[index]) expect(report).toBe(held.environments[index]);
          });
          held = applied;
        }
        status = next;
      }
    }
    expect(deltas).toBeGreaterThan(300);
  });

  it('send only the resources whose status objects changed, as the patch the aggregator sends its clients', () => {
    const cart: ResourceStatus = { name: 'shop/cart', state: 'Clean', errors: [] };
    const search: ResourceStatus = { name: 'shop/search', state: 'Clean', errors: [] };
    const pp: EnvironmentStatus = { env: 'pp', target: 'local', state: 'Clean', resources: [cart] };
    const before: DeployerStatus = { environments: [{ env: 'dev', target: 'local', state: 'Clean', resources: [cart, search] }, pp] };
    const after: DeployerStatus = { environments: [{ env: 'dev', target: 'local', state: 'InProgress', resources: [cart, { ...search, state: 'InProgress' }] }, pp] };
    expect(deployerStatusDelta(before, after, '"a"')).toEqual({
      since: '"a"',
      environments: [
        { env: 'dev', target: 'local', state: 'InProgress', reports: { upsert: [{ name: 'shop/search', state: 'InProgress', errors: [] }], remove: [] } },
        { env: 'pp', target: 'local', state: 'Clean', reports: { upsert: [], remove: [] } },
      ],
    });
  });

  it('refuse to apply to a status whose environments differ', () => {
    const before: DeployerStatus = { environments: [{ env: 'dev', target: 'local', state: 'Clean', resources: [{ name: 'shop/cart', state: 'Clean', errors: [] }] }] };
    const after: DeployerStatus = { environments: [{ env: 'dev', target: 'local', state: 'Clean', resources: [{ name: 'shop/cart', state: 'Failed', errors: [] }] }] };
    const delta = deployerStatusDelta(before, after, '"a"')!;
    expect(() => applyDeployerStatusDelta({ environments: [{ ...before.environments[0]!, env: 'pp' }] }, delta)).toThrow(DeltaMismatchError);
    expect(() => applyDeployerStatusDelta({ environments: [] }, delta)).toThrow(DeltaMismatchError);
    expect(deployerStatusDelta(before, { environments: [...after.environments, { ...after.environments[0]!, env: 'pp' }] }, '"a"')).toBeUndefined();
  });

  it('send every report of an environment that names one resource twice, which no patch by name can say', () => {
    const twice = (state: 'Clean' | 'Failed'): DeployerStatus => ({ environments: [{ env: 'dev', target: 'local', state: 'Clean', resources: [{ name: 'shop/cart', state: 'Clean', errors: [] }, { name: 'shop/cart', state, errors: [] }] }] });
    const [before, after] = [twice('Clean'), twice('Failed')];
    const delta = deployerStatusDelta(before, after, '"a"')!;
    expect(delta.environments[0]).toHaveProperty('resources');
    expect(applyDeployerStatusDelta(wire(before), wire(delta))).toEqual(after);
  });
});
