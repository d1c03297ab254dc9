// 500 CI pushes over HTTP at once while a person pushes with plain git: every acknowledged push lands exactly once, nothing else changes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startPersonPushing, type FixtureSpec } from '@cascade/git-fixture';
import type { PushVersionResponse } from '@cascade/common/api';
import { startHarness, type Harness } from './testing/harness.ts';

const PUSHES = 500;
const PERSON_COMMITS = 20;


const fixture: FixtureSpec = {
  commits: [
    {
      name: 'bases',
      files: {
        'transitions.yaml': 'transitions:\n  dev: { source: latest, target: dev }\n',
        'dev/locks.yaml': '',
        ...Object.fromEntries(Array.from({ length: PUSHES }, (_, i) => [`latest/base/svc-${i}.yaml`, `kind: ConfigMap\ndata: { v: $version }\n`])),
      },
    },
  ],
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ fixture });
});
afterAll(async () => h.cleanup());

it('lands every acknowledged push exactly once alongside a person pushing with git', { timeout: 180_000 }, async () => {
  const clone = await h.fx.clone();
  const personDone = startPersonPushing(clone, PERSON_COMMITS, 'notes');

  const results = await Promise.all(
    Array.from({ length: PUSHES }, async (_, i) => {
      const res = await fetch(`${h.aggregator.url}/api/v1/versions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${h.tokens.ci}`, 'content-type': 'application/json' },
        body: JSON.stringify({ resource: `svc-${i}`, version: `1.0.${i}`, fields: { replicas: 1 } }),
      });
      return { status: res.status, body: (await res.json()) as PushVersionResponse };
    }),
  );
  expect(await personDone).toEqual({ exitCode: 0, stderr: '' });

  expect(results.map((r) => r.status)).toEqual(Array(PUSHES).fill(201));
  const head = (await h.fx.git('rev-parse', 'main')).trim();
  // Which commit added each file: every version file by exactly its acknowledged commit, every note by one commit.
  const log = await h.fx.git('log', '--format=>%H', '--name-only', '--diff-filter=A', head);
  const addedBy = new Map<string, string[]>();
  let commit = '';
  for (const line of log.split('\n')) {
    if (line.startsWith('>')) commit = line.slice(1);
    else if (line !== '') addedBy.set(line, [...(addedBy.get(line) ?? []), commit]);
  }
  results.forEach((r, i) => expect([i, addedBy.get(`latest/version/svc-${i}.yaml`)]).toEqual([i, [r.body.commit]]));
  for (let i = 1; i <= PERSON_COMMITS; i++) expect(addedBy.get(`notes/person-${i}.txt`)).toHaveLength(1);
  // Nothing else changed: the tree is the fixture plus the version files and the notes, and no file was modified twice.
  const tree = (await h.fx.git('ls-tree', '-r', '--name-only', head)).trim().split('\n');
  expect(tree).toHaveLength(2 + PUSHES + PUSHES + PERSON_COMMITS);
  const modified = (await h.fx.git('log', '--format=', '--name-only', '--diff-filter=M', head)).trim();
  expect(modified).toBe('');
  expect(Number((await h.fx.git('rev-list', '--count', head)).trim())).toBe(1 + PUSHES + PERSON_COMMITS);
});
