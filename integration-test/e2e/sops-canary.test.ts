// SOPS secrets through the whole pipeline, with a rollout that fails: an encrypted deployable Secret, a secret pushed
// with `cascade push --secret KEY=@file` that a base puts into a Secret, and one pushed over the API that the API
// server refuses and quotes. Once the stack has deployed them and reported the failures, a canary per value is looked
// for in every service's debug log, status and metrics, every aggregator route and the live event stream, the CLI's
// render, diff, status and history, the repo's history and the process list. The cluster must hold the values.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { DeployerStatus, ResourceStatus } from '@cascade/common';
import type { AggregatorStatus } from '@cascade/common/api';
import { sopsCli, TOOLS_BUILD_TIMEOUT_MS } from '@cascade/common/secrets/testing';
import type { GeneratedKey } from '@cascade/common/secrets/testing';
import { aggregatorGetPaths, readRoute, recordEvents } from './api-reads.ts';
import type { EventRecording } from './api-reads.ts';
import { waitFor } from './harness.ts';
import { useStacks } from './stack-hooks.ts';
import type { Stack } from './stack.ts';

const startStack = useStacks();
const run = promisify(execFile);

// Unique per run, so a hit can only come from this test's repo.
const RUN = Date.now().toString(36);
const DEPLOYABLE_CANARY = `vaultcanary${RUN}a`;
const PUSHED_CANARY = `apicanary${RUN}b`;
// Not a valid label value: the API server quotes it back in its refusal, which must not reach any output either.
const ECHO_CANARY = `echo canary ${RUN}!`;
const CANARIES = [DEPLOYABLE_CANARY, PUSHED_CANARY, ECHO_CANARY];
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Every form in which a canary could leak: as written, its distinctive part, and as a Secret's base64 data. */
function leaks(text: string): string[] {
  return [...CANARIES, `canary ${RUN}`, ...CANARIES.map(base64)].filter((canary) => text.includes(canary));
}

/** shop/notifier: a Secret filled from the pushed secret, and a Deployment whose pods no node takes, so its rollout fails. */
const NOTIFIER_BASE = `apiVersion: v1
kind: Secret
metadata:
  name: notifier
stringData:
  API_KEY: \${secrets.API_KEY}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: notifier
  labels: { app: notifier }
spec:
  replicas: 1
  progressDeadlineSeconds: 2
  selector:
    matchLabels: { app: notifier }
  template:
    metadata:
      labels: { app: notifier, version: $version }
    spec:
      nodeSelector: { cascade.test/no-such-node: "true" }
      containers:
        - name: notifier
          image: \${image}
          env:
            - name: API_KEY
              valueFrom: { secretKeyRef: { name: notifier, key: API_KEY } }
`;

/** shop/labels: a ConfigMap labelled with a secret the API server refuses as a label value. */
const LABELS_BASE = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: labels\n  labels: { bad: "${secrets.LABEL}" }\ndata: { a: b }\n';

let key: GeneratedKey;
let vault: string;
let dir: string;

beforeAll(async () => {
  const sops = await sopsCli();
  key = await sops.keygen();
  // The deployable is encrypted by the real sops, as a person editing the repo would.
  vault = await sops.encrypt(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: vault\nstringData:\n  canary: ${DEPLOYABLE_CANARY}\n`, ['--age', key.recipient, '--encrypted-regex', '^(data|stringData)$']);
  dir = await mkdtemp(join(tmpdir(), 'cascade-e2e-sops-'));
}, TOOLS_BUILD_TIMEOUT_MS);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `ps -eo args` taken over and over while the pipeline runs, so short-lived CLI processes are seen too. */
function sampleProcessList(): { stop(): Promise<string> } {
  const samples: string[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      samples.push((await run('ps', ['-eo', 'args'], { maxBuffer: 16 * 1024 * 1024 })).stdout);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return samples.join('\n');
    },
  };
}

/** The deployer's resources in dev, by name. */
async function devResources(stack: Stack): Promise<Record<string, ResourceStatus>> {
  const status = (await (await fetch(`${stack.services.deployer.url}/status`)).json()) as DeployerStatus;
  const dev = status.environments.find((e) => e.env === 'dev');
  return Object.fromEntries((dev?.resources ?? []).map((r) => [r.name, r]));
}

describe('SOPS secrets on the real stack, with a failing rollout', () => {
  it('puts the decrypted values into the Secrets and nowhere else: logs, statuses, API, events, metrics, CLI, history, process list', async () => {
    const stack = await startStack({
      prefix: 'e2e-sops',
      logLevel: 'debug',
      ageIdentity: key.identityFile,
      files: {
        '.sops.yaml': `creation_rules:\n  - path_regex: /version/\n    age: ${key.recipient}\n`,
        'dev/deployable/vault.yaml': vault,
        'latest/base/shop/notifier.yaml': NOTIFIER_BASE,
        'dev/base/shop/notifier.yaml': NOTIFIER_BASE,
        'latest/base/shop/labels.yaml': LABELS_BASE,
        'dev/base/shop/labels.yaml': LABELS_BASE,
      },
    });
    const processes = sampleProcessList();
    const events: EventRecording[] = [];
    try {
      // Recorded from before the pushes to the end: every delta of the deploy and its failures.
      events.push(await recordEvents(stack, stack.tokens.viewer), await recordEvents(stack, stack.tokens.admin));

      // CI pushes one secret with the CLI from a file, the other over the API.
      const secretFile = join(dir, 'api-key');
      await writeFile(secretFile, PUSHED_CANARY, { mode: 0o600 });
      const push = await stack.cli('ci', ['push', 'shop/notifier', '1.0.0', '--set', 'image=registry.example.com/shop/notifier:1.0.0', '--secret', `API_KEY=@${secretFile}`, '--changelog', '-'], 'First notifier\n');
      expect(push, push.stderr).toMatchObject({ code: 0 });
      const pushed = await fetch(`${stack.services.aggregator.url}/api/v1/versions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.tokens.ci}`, 'content-type': 'application/json' },
        body: JSON.stringify({ resource: 'shop/labels', version: '1.0.0', secrets: { LABEL: ECHO_CANARY }, changelog: 'Labels' }),
      });
      expect([pushed.status, leaks(await pushed.text())]).toEqual([201, []]);

      // dev deploys both: the notifier's rollout fails, the labels are refused, the vault is applied.
      const resources = await waitFor('dev to report the notifier rollout failed and the labels refused', async () => {
        const byName = await devResources(stack);
        const done = byName['shop/notifier']?.state === 'Failed' && byName['shop/labels']?.state === 'Failed' && byName['vault']?.state === 'Clean';
        return done ? byName : undefined;
      }, { timeoutMs: 180_000 });
      expect(resources['shop/notifier']).toMatchObject({ version: '1.0.0', reason: expect.any(String) });
      // The API server refused the label and quoted it; the status keeps the error without the value.
      expect(resources['shop/labels']?.errors).toEqual(expect.arrayContaining([expect.objectContaining({ message: expect.stringContaining('[secret]') })]));
      await waitFor('the aggregator to show what the deployer reports', async () => {
        const answer = (await (await fetch(`${stack.services.aggregator.url}/api/v1/status`, { headers: { authorization: `Bearer ${stack.tokens.admin}` } })).json()) as AggregatorStatus;
        const dev = answer.deployer.state === 'ok' ? answer.deployer.status.environments.find((e) => e.env === 'dev') : undefined;
        return dev?.resources.find((r) => r.name === 'shop/notifier')?.state === 'Failed' && answer.transitioner.state === 'ok' ? true : undefined;
      });

      // The values are where they belong: in the Secrets on the cluster.
      const kc = new KubeConfig();
      kc.loadFromFile(inject('kubeconfig'));
      const core = kc.makeApiClient(CoreV1Api);
      expect((await core.readNamespacedSecret({ name: 'vault', namespace: stack.namespaces.dev })).data).toEqual({ canary: base64(DEPLOYABLE_CANARY) });
      expect((await core.readNamespacedSecret({ name: 'notifier', namespace: stack.namespaces.dev })).data).toEqual({ API_KEY: base64(PUSHED_CANARY) });

      // Who set the pushed secret is shown, never its value.
      const adminStatus = await stack.cli('admin', ['status', '-o', 'json']);
      expect(adminStatus, adminStatus.stderr).toMatchObject({ code: 0 });
      const notifierInDev = (JSON.parse(adminStatus.stdout) as AggregatorStatus).resources.find((r) => r.name === 'shop/notifier')?.envs['dev'];
      expect(notifierInDev?.secrets).toEqual([expect.objectContaining({ key: 'secrets.API_KEY', setBy: expect.any(String), setAt: expect.any(String) })]);

      const outputs: Record<string, string> = { 'cascade status -o json (admin)': `${adminStatus.stdout}\n${adminStatus.stderr}` };
      const histories = ['/api/v1/history?env=dev&resource=shop/notifier', '/api/v1/history?env=latest&resource=shop/labels', '/api/v1/history', '/api/v1/versions?env=dev&resource=shop/notifier'];
      for (const [role, token] of [['viewer', stack.tokens.viewer], ['admin', stack.tokens.admin]] as const) {
        for (const path of await aggregatorGetPaths(stack, histories)) {
          const { status, text } = await readRoute(`${stack.services.aggregator.url}${path}`, token);
          // The UI page is a 404 page when the dashboard is not built; every other route must answer in full.
          expect([role, path, status]).toEqual([role, path, path === '/' ? expect.any(Number) : 200]);
          outputs[`aggregator ${path} (${role})`] = text;
        }
      }
      for (const service of Object.values(stack.services)) {
        for (const path of ['/status', '/healthz', '/readyz', '/metrics']) outputs[`${service.name} ${path}`] = (await readRoute(`${service.url}${path}`, undefined)).text;
      }
      const identityFile = join(dir, 'age.key');
      await writeFile(identityFile, key.identityFile, { mode: 0o600 });
      const cli = async (role: 'viewer' | 'admin', args: string[]) => {
        const result = await stack.cli(role, args);
        return `${result.stdout}\n${result.stderr}`;
      };
      outputs['cascade render dev'] = await cli('viewer', ['render', 'dev', '--repo', stack.fixture.remote]);
      outputs['cascade render dev --age-identity'] = await cli('viewer', ['render', 'dev', '--repo', stack.fixture.remote, '--age-identity', identityFile]);
      outputs['cascade diff dev'] = await cli('admin', ['diff', 'dev', '--config', stack.services.deployer.configFile]);
      outputs['cascade diff dev -o json'] = await cli('admin', ['diff', 'dev', '--config', stack.services.deployer.configFile, '-o', 'json']);
      outputs['cascade status dev --fields (viewer)'] = await cli('viewer', ['status', 'dev', '--fields']);
      outputs['cascade history (admin)'] = await cli('admin', ['history']);
      outputs['repo history'] = await stack.fixture.git('log', '-p', '--all');
      // Each command got as far as the secrets: render shows the marker, diff the API server's refusal without its quote.
      expect([outputs['cascade render dev'], outputs['cascade render dev --age-identity']]).toEqual([expect.stringContaining('(secret)'), expect.stringContaining('(secret)')]);
      expect([outputs['cascade diff dev'], outputs['cascade diff dev -o json']]).toEqual([expect.stringContaining('[secret]'), expect.stringContaining('[secret]')]);

      // The events the stream sent while the pipeline ran, ended here so they hold the failures.
      for (const recording of events) await recording.close();
      outputs['events (viewer, admin)'] = events.splice(0).map((recording) => recording.text()).join('\n');
      expect(outputs['events (viewer, admin)']).toMatch(/shop\/notifier[^\n]*Failed|Failed[^\n]*shop\/notifier/);
      for (const service of Object.values(stack.services)) outputs[`${service.name} log`] = await readFile(service.logFile, 'utf8');
      outputs['process list'] = await processes.stop();

      // The services did log at debug level and the stream did carry the failure: the places looked at are not empty.
      for (const service of Object.values(stack.services)) expect([service.name, outputs[`${service.name} log`]!.includes('"level":"debug"')]).toEqual([service.name, true]);
      expect(outputs['process list']).toContain(stack.services.deployer.configFile);
      expect(Object.fromEntries(Object.entries(outputs).map(([name, text]) => [name, leaks(text)]))).toEqual(Object.fromEntries(Object.keys(outputs).map((name) => [name, []])));
    } finally {
      for (const recording of events) await recording.close();
      await processes.stop();
    }
  }, 300_000);
});
