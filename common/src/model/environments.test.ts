// What counts as an environment, asked of the paths and reserved files alone and of a whole parsed snapshot: the same answer.
import { describe, expect, it } from 'vitest';
import { repoFilesFromText } from '../repo/files.ts';
import { environmentNames, readEnvironments } from './environments.ts';
import { entryEnvironments } from './pipeline.ts';
import { parseSnapshot } from './snapshot.ts';

const repo = {
  'transitions.yaml': 'transitions:\n  dev: { source: latest, target: dev }\n  prod: { source: dev, target: prod }\n',
  'deployers.yaml': 'deployers:\n  dev: { target: local }\n  previews: { target: scripts }\n',
  'latest/base/cart.yaml': 'kind: ConfigMap\n',
  'latest/version/cart.yaml': 'version: "1.0"\n',
  'qa/deployable/web.yaml': 'kind: ConfigMap\n',
  'tools/version/.gitkeep': '',
  'prod/locks.yaml': 'env_lock: { reasons: [freeze] }\n',
  'docs/locks.yaml': 'env_lock: { reasons: [x] }\n',
  'docs/README.md': '# docs\n',
  '.github/base/x.yaml': 'kind: X\n',
  'README.md': '# shop\n',
};

describe('environments', () => {
  it('are the folders holding base/, deployable/ or version/ and the environments deployers.yaml and transitions.yaml name', () => {
    const expected = ['latest', 'dev', 'prod', 'previews', 'qa', 'tools'];
    expect(readEnvironments(repoFilesFromText('c1', repo)).names).toEqual(expected);
    expect([...parseSnapshot(repoFilesFromText('c1', repo)).environments.keys()]).toEqual(expected);
  });

  it('never include a folder holding only locks.yaml, whose locks are reported as applying to nothing', () => {
    const snapshot = parseSnapshot(repoFilesFromText('c1', repo));
    expect(snapshot.environments.has('docs')).toBe(false);
    expect(snapshot.problems).toContainEqual(expect.objectContaining({ file: 'docs/locks.yaml', severity: 'warning', code: 'locks-without-environment' }));
    // prod has no resources yet, but transitions.yaml names it: its lock counts.
    expect(snapshot.environments.get('prod')?.locks.envReasons).toEqual(['freeze']);
  });

  it('count only what a parse keeps from deployers.yaml and transitions.yaml', () => {
    const files = repoFilesFromText('c1', { ...repo, 'transitions.yaml': 'transitions:\n  prod: { source: dev, target: prod, schedule: "61 * *" }\n', 'deployers.yaml': '[not, a, map]\n' });
    expect(readEnvironments(files).names).toEqual(['latest', 'qa', 'tools']);
    const link = repoFilesFromText('c1', repo);
    link.files.set('transitions.yaml', { path: 'transitions.yaml', kind: 'symlink', oid: 'l', size: 10 });
    expect(readEnvironments(link).transitions).toEqual([]);
  });

  it('are computed from paths and declared names alone, in pipeline order', () => {
    const transitions = [{ name: 'dev', source: 'latest', target: 'dev', preconditions: [] }];
    expect(environmentNames(['zeta/base/a.yaml', 'Upper/base/a.yaml', 'dev/locks.yaml', 'x/version'], transitions, ['alpha'])).toEqual(['latest', 'dev', 'alpha', 'zeta']);
  });
});

describe('entryEnvironments', () => {
  it('lists every transition source that is no transition target, in pipeline order', () => {
    const rule = (source: string, target: string) => ({ name: target, source, target, preconditions: [] });
    expect(entryEnvironments(['dev', 'hotfix', 'latest', 'prod'], [rule('latest', 'dev'), rule('dev', 'prod'), rule('hotfix', 'prod')])).toEqual(['hotfix', 'latest']);
    expect(entryEnvironments(['latest'], [])).toEqual([]);
  });
});
