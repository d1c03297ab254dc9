// A hostile commit (a file of 100,000 keys, 20,000 files, 1 MB scalars) must not freeze the service reading it: a
// liveness probe that times out restarts the pod, which then reads the same commit again. What is asserted is that
// probes are answered while the read goes on (it yields between slices), not how fast: that depends on the machine.
// The time slices themselves are bounded and measured in common/src/service/loop/time-slicer.ts.
import { get } from 'node:http';
import type { AggregatorStatus } from '@cascade/common/api';
import type { FixtureSpec } from '@cascade/git-fixture';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../testing/harness.ts';

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
  it('keeps /healthz answering while it reads, and reports the oversized file while reading the rest', async () => {
    h = await startHarness({ fixture: hostileFixture() });
    await h.fx.setRef('main', 'hostile');

    // The repo loop's own refresh; /healthz is probed over HTTP, one probe after another, while it runs.
    let reading = true;
    const read = h.aggregator.refresh().finally(() => (reading = false));
    // A read that kept the process busy from start to end would let no probe through until it finished: probes
    // answered while it is still going on show that it yields to the server, however fast this machine is.
    let answeredWhileReading = 0;
    while (reading) {
      const code = await probe(`${h.aggregator.url}/healthz`);
      expect(code).toBe(200);
      if (reading) answeredWhileReading++;
      await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
    }
    await read;
    expect(answeredWhileReading).toBeGreaterThan(2);

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
