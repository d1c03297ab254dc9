// A hostile commit (a file of 100,000 keys, 20,000 files, 1 MB scalars) must not freeze the service reading it: a
// liveness probe that times out restarts the pod, which then reads the same commit again. The one test that bounds
// a time, because answering the probe in time is the behaviour required.
import { get } from 'node:http';
import type { AggregatorStatus } from '@cascade/common/api';
import type { FixtureSpec } from '@cascade/git-fixture';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

/** A probe's timeout: every /healthz must be answered within this long of when it was due. */
const PROBE_TIMEOUT_MS = 1000;
const POLL_EVERY_MS = 100;
const RESOURCES = 10_000;

const base = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: ${name} }\ndata: { version: $version }\n`;
const hugeMap = Array.from({ length: 100_000 }, (_, i) => `key${i}: value-${i}\n`).join('');
const megabyte = 'word '.repeat(200_000);
const versionFile = (i: number) => `version: "${i}"\nimage: registry.example.com/team/svc-${i}:${i}\nreplicas: 2\n`;

/** `small` is read at start; `hostile` adds 20,000 files, a 100,000-key version file and 1 MB scalars. */
function hostileFixture(): FixtureSpec {
  const files: Record<string, string> = {
    'dev/base/huge.yaml': base('huge'),
    'dev/version/huge.yaml': `version: "1"\n${hugeMap}`,
    'dev/base/big.yaml': base('big'),
    'dev/version/big.yaml': `version: "1"\nplain: ${megabyte}\nquoted: "${megabyte}"\nblock: |\n  ${megabyte}\n`,
  };
  for (let i = 0; i < RESOURCES; i++) {
    files[`dev/base/team-${i % 100}/svc-${i}.yaml`] = base(`svc-${i}`);
    files[`dev/version/team-${i % 100}/svc-${i}.yaml`] = versionFile(i);
  }
  return {
    commits: [
      { name: 'small', files: { 'dev/base/app.yaml': base('app'), 'dev/version/app.yaml': 'version: "1"\n' } },
      { name: 'hostile', files },
    ],
    head: 'small',
  };
}

/** One GET on a new connection, as a kubelet's probe makes it: no kept-alive socket that could time out meanwhile. */
function probe(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.cleanup();
  h = undefined;
});

describe('reading a hostile commit', () => {
  it('keeps /healthz answering within a second and reports the oversized file while reading the rest', async () => {
    h = await startHarness({ fixture: hostileFixture() });
    await h.fx.setRef('main', 'hostile');

    // The repo loop's own refresh; /healthz is polled over HTTP while it runs, the way a kubelet probes.
    let reading = true;
    const read = h.aggregator.refresh().finally(() => (reading = false));
    const started = performance.now();
    const lateness: number[] = [];
    let due = started;
    for (;;) {
      const code = await probe(`${h.aggregator.url}/healthz`);
      // Measured from when the probe was due, so a probe that could not even be sent while the process was busy counts.
      lateness.push(performance.now() - due);
      expect(code).toBe(200);
      // Checked only after a probe: the one due while the read's last step ran must be measured too.
      if (!reading) break;
      // Like a prober's ticker: the next probe is due at the next period after this answer; missed periods are skipped.
      due = started + Math.ceil((performance.now() - started) / POLL_EVERY_MS) * POLL_EVERY_MS;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
    await read;

    // The read took many probe periods, so the probes really ran while it was going on.
    expect(lateness.length).toBeGreaterThan(10);
    expect(Math.max(...lateness)).toBeLessThan(PROBE_TIMEOUT_MS);

    const status = (await (await h.call('GET', '/api/v1/status', { role: 'viewer' })).json()) as AggregatorStatus;
    expect(status.commit).toBe(h.fx.commits['hostile']);
    expect(status.problems).toEqual([expect.objectContaining({ file: 'dev/version/huge.yaml', code: 'too-many-nodes', message: expect.stringContaining('100,000') })]);
    const dev = (name: string) => status.resources.find((r) => r.name === name)?.envs['dev'];
    expect(dev('huge')).toMatchObject({ problems: [expect.objectContaining({ code: 'too-many-nodes' })] });
    expect(dev('big')).toMatchObject({ version: '1' });
    expect(dev('big')?.problems).toBeUndefined();
    expect(status.resources.filter((r) => r.envs['dev']?.version !== undefined)).toHaveLength(RESOURCES + 2);
  }, 180_000);
});
