// SOPS secrets on the real cluster: what the deployer decrypts reaches the Secrets, and nothing else. A canary value
// per encrypted file is looked for in every output the deployer, `cascade render` and `cascade diff` produce.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api } from '@kubernetes/client-node';
import type { DeployerStatus, EnvironmentStatus } from '@cascade/common';
import { parseConfig } from '@cascade/common/config';
import type { CascadeConfig } from '@cascade/common/config';
import { encryptSopsYaml } from '@cascade/common/secrets';
import { sopsCli, TOOLS_BUILD_TIMEOUT_MS } from '@cascade/common/secrets/testing';
import type { GeneratedKey } from '@cascade/common/secrets/testing';
import { createLogger } from '@cascade/common/service';
import { deployOnce, diff, startDeployer } from '@cascade/deployer';
import type { RunningDeployer } from '@cascade/deployer';
import { createFixture } from '@cascade/git-fixture';
import type { FixtureSpec, GitFixture } from '@cascade/git-fixture';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { CASCADE_BIN } from '../e2e/harness.ts';
import { useTestNamespace } from '../setup/namespace.ts';
import { deployersYaml, deploymentBase, serviceConfigText, versionYaml } from './harness.ts';

const ns = useTestNamespace({ prefix: 'sec' });
const NOW = new Date('2026-05-06T07:08:09Z');
const RULE = { field: 'encrypted_regex', value: '^(stringData|secrets)$' } as const;
// Unique per run, so a hit can only come from this test.
const RUN = Date.now().toString(36);
const DEPLOYABLE_CANARY = `dbcanary${RUN}x`;
const VERSION_CANARY = `apicanary${RUN}y`;
// Not a valid label value: the API server quotes it back in its refusal, which must not reach any output either.
const ECHO_CANARY = `echo canary ${RUN}!`;

let key: GeneratedKey;
let encryptWithSops: (plain: string) => Promise<string>;
let dir: string | undefined;
let fixture: GitFixture | undefined;
let running: RunningDeployer | undefined;

beforeAll(async () => {
  const sops = await sopsCli();
  key = await sops.keygen();
  // The deployable comes from the real sops; the version files from Cascade's own encryption.
  encryptWithSops = (plain) => sops.encrypt(plain, ['--age', key.recipient, '--encrypted-regex', '^(data|stringData)$']);
}, TOOLS_BUILD_TIMEOUT_MS);

afterEach(async () => {
  await running?.stop();
  await fixture?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
  running = fixture = dir = undefined;
});

const encryptVersion = (plain: string) => encryptSopsYaml(plain, { file: 'version.yaml', recipients: [key.recipient], rule: RULE, now: NOW });

/** The repo of one environment: an encrypted Secret, a Secret filled from an encrypted version file, and more. */
async function secretFiles(env: string): Promise<Record<string, string>> {
  return {
    'deployers.yaml': deployersYaml(env, ns.namespace),
    [`${env}/deployable/db.yaml`]: await encryptWithSops(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${DEPLOYABLE_CANARY}\n`),
    [`${env}/base/api.yaml`]: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\n  labels: { version: $version }\nstringData:\n  API_KEY: ${secrets.apiKey}\n',
    [`${env}/version/api.yaml`]: await encryptVersion(`version: "1.0"\nsecrets:\n  apiKey: ${VERSION_CANARY}\n`),
    [`${env}/base/echo.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: echo\n  labels: { bad: "${secrets.label}" }\ndata: { a: b }\n',
    [`${env}/version/echo.yaml`]: await encryptVersion(`version: "1.0"\nsecrets:\n  label: "${ECHO_CANARY}"\n`),
    [`${env}/deployable/plain.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: plain }\ndata: { a: b }\n',
  };
}

/** A cascade.yaml for the fixture; with the identity file when `identity` is given. */
async function setUp(spec: FixtureSpec, identity: boolean): Promise<{ config: CascadeConfig; configFile: string }> {
  dir = await mkdtemp(join(tmpdir(), 'cascade-secrets-'));
  fixture = await createFixture(spec);
  const keyFile = join(dir, 'age.key');
  await writeFile(keyFile, key.identityFile, { mode: 0o600 });
  const configFile = join(dir, 'cascade.yaml');
  const text = serviceConfigText(fixture, inject('kubeconfig'), 'debug', identity ? `secrets: { ageIdentityFile: ${keyFile} }\n` : '');
  await writeFile(configFile, text);
  return { config: parseConfig(text, { file: configFile }), configFile };
}

/** Runs the cascade CLI as a process; the output whatever the exit code. */
async function cli(cwd: string, ...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CASCADE_BIN, ...args], { cwd, timeout: 120_000 });
    return `${stdout}\n${stderr}`;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message?: string };
    return `${failed.stdout ?? ''}\n${failed.stderr ?? ''}\n${failed.message ?? ''}`;
  }
}

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Every form in which a canary could leak. */
const leaks = (text: string) => [DEPLOYABLE_CANARY, VERSION_CANARY, ECHO_CANARY, 'echo canary', ...[DEPLOYABLE_CANARY, VERSION_CANARY, ECHO_CANARY].map(base64)].filter((canary) => text.includes(canary));

describe('SOPS secrets deployed to a real cluster', () => {
  it('puts decrypted values into the Secrets and nowhere else: logs, status, metrics, errors, render, diff', async () => {
    const env = ns.namespace;
    const files = await secretFiles(env);
    // The stuck Deployment makes a rollout fail in the same environment.
    files[`${env}/base/stuck.yaml`] = deploymentBase('stuck', '\n  progressDeadlineSeconds: 2').replace('    spec:\n', '    spec:\n      nodeSelector: { cascade.test/no-such-node: "true" }\n');
    files[`${env}/version/stuck.yaml`] = versionYaml('1');
    const { config, configFile } = await setUp({ commits: [{ name: 'one', files }] }, true);
    const logs: string[] = [];
    running = await startDeployer(config, { logger: createLogger({ level: 'debug', format: 'json', sink: (line) => logs.push(line) }) });
    const refresh = () => fetch(`${running!.url}/refresh?wait=true`, { method: 'POST', headers: { authorization: 'Bearer ci-secret' } });
    let status: EnvironmentStatus | undefined;
    for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
      await refresh();
      status = ((await (await fetch(`${running.url}/status`)).json()) as DeployerStatus).environments[0];
      if (status?.resources.find((r) => r.name === 'stuck')?.state === 'Failed') break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const byName = Object.fromEntries((status?.resources ?? []).map((r) => [r.name, r]));
    expect(byName['stuck']).toMatchObject({ state: 'Failed' });
    expect(byName['db']).toMatchObject({ state: 'Clean' });
    expect(byName['api']).toMatchObject({ state: 'Clean', version: '1.0' });
    expect(byName['plain']).toMatchObject({ state: 'Clean' });
    // The API server refused the label and quoted it; the status keeps the error without the value.
    expect(byName['echo']).toMatchObject({ state: 'Failed', errors: [expect.objectContaining({ message: expect.stringContaining('[secret]') })] });

    const core = ns.kc.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedSecret({ name: 'db', namespace: ns.namespace })).data).toEqual({ password: base64(DEPLOYABLE_CANARY) });
    expect((await core.readNamespacedSecret({ name: 'api', namespace: ns.namespace })).data).toEqual({ API_KEY: base64(VERSION_CANARY) });

    const outputs: Record<string, string> = {
      logs: logs.join('\n'),
      status: await (await fetch(`${running.url}/status`)).text(),
      metrics: await (await fetch(`${running.url}/metrics`)).text(),
      diff: JSON.stringify(await diff(config, env)),
      'cascade render': await cli(dir!, 'render', env, '--repo', fixture!.remote),
      'cascade render --age-identity': await cli(dir!, 'render', env, '--repo', fixture!.remote, '--age-identity', join(dir!, 'age.key')),
      'cascade diff': await cli(dir!, 'diff', env, '--config', configFile),
      'cascade validate': await cli(dir!, 'validate', '--repo', fixture!.remote, '--age-identity', join(dir!, 'age.key')),
    };
    expect(logs.some((line) => line.includes('"level":"debug"') || line.includes('"level":20'))).toBe(true);
    expect(outputs['cascade render']).toContain('(secret)');
    expect(Object.fromEntries(Object.entries(outputs).map(([name, text]) => [name, leaks(text)]))).toEqual(Object.fromEntries(Object.keys(outputs).map((name) => [name, []])));
    // Only the explicit request shows a value.
    expect(await cli(dir!, 'render', env, '--repo', fixture!.remote, '--age-identity', join(dir!, 'age.key'), '--show-secrets')).toContain(VERSION_CANARY);
  }, 240_000);

  it('without the identity, reports secret-undecryptable with file and recipient, deploys the rest and prunes nothing of it', async () => {
    const env = ns.namespace;
    const files = await secretFiles(env);
    delete files[`${env}/base/echo.yaml`];
    delete files[`${env}/version/echo.yaml`];
    const spec: FixtureSpec = { commits: [
      { name: 'one', files },
      { name: 'two', files: { [`${env}/deployable/more.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: more }\ndata: { a: b }\n' } },
    ], head: 'one' };
    const withKey = await setUp(spec, true);
    expect(await deployOnce(withKey.config, env)).toMatchObject({ status: { state: 'Clean' } });

    await fixture!.setRef(fixture!.branch, 'two');
    const withoutKey = { ...withKey.config, secrets: { ageIdentityFiles: [] } };
    const { status } = await deployOnce(withoutKey, env);
    const byName = Object.fromEntries(status.resources.map((r) => [r.name, r]));
    for (const [name, file] of [['db', `${env}/deployable/db.yaml`], ['api', `${env}/version/api.yaml`]] as const) {
      expect(byName[name]).toMatchObject({ state: 'Failed', errors: [{ code: 'secret-undecryptable', file, message: expect.stringContaining(key.recipient) }] });
    }
    expect(byName['more']).toMatchObject({ state: 'Clean' });
    const core = ns.kc.makeApiClient(CoreV1Api);
    expect((await core.readNamespacedConfigMap({ name: 'more', namespace: ns.namespace })).data).toEqual({ a: 'b' });
    // prune: true, yet the Secrets of the resources that did not render stay as they were.
    expect((await core.readNamespacedSecret({ name: 'db', namespace: ns.namespace })).data).toEqual({ password: base64(DEPLOYABLE_CANARY) });
    expect((await core.readNamespacedSecret({ name: 'api', namespace: ns.namespace })).data).toEqual({ API_KEY: base64(VERSION_CANARY) });
  }, 240_000);
});
