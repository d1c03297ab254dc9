// `cascade diff` and `cascade deploy --once` as a user runs them: a real process, a cascade.yaml, the local cluster.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createFixture, type GitFixture } from '@cascade/git-fixture';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { useTestNamespace } from '../setup/namespace.ts';
import { deployersYaml } from '../deployer/harness.ts';

const cascade = fileURLToPath(new URL('../../cli/bin/cascade.js', import.meta.url));
const ns = useTestNamespace({ prefix: 'cli' });
let dir: string | undefined;
let fixture: GitFixture | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
  fixture = dir = undefined;
});

/** Runs the cascade CLI as a process and returns its exit code and output. */
async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cascade, ...args], { cwd: dir, timeout: 90_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const configMap = (mode: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: ${mode} }\n`;

describe('cascade diff and cascade deploy --once', () => {
  it('shows what would change, deploys it, then shows nothing left; exit codes follow the rollout', async () => {
    const env = ns.namespace;
    fixture = await createFixture({
      commits: [{ name: 'one', files: { 'deployers.yaml': deployersYaml(env, ns.namespace), [`${env}/deployable/settings.yaml`]: configMap('a') } }],
    });
    dir = await mkdtemp(join(tmpdir(), 'cascade-cli-deploy-'));
    await writeFile(join(dir, 'cascade.yaml'), `repo: { url: ${fixture.remote}, branch: ${fixture.branch} }\ntargets:\n  local: { type: kubernetes, kubeconfig: ${inject('kubeconfig')} }\nlog: { level: error }\n`);

    const before = await run('diff', env);
    expect(before).toMatchObject({ code: 0 });
    expect(before.stdout).toMatch(/^create\s+settings\s+ConfigMap .*settings/m);

    const deployed = await run('deploy', env, '--once', '-o', 'json');
    expect(deployed.code).toBe(0);
    expect(JSON.parse(deployed.stdout)).toMatchObject({ env, state: 'Clean', commit: fixture.commits['one'] });

    const after = await run('diff', env);
    expect(after).toMatchObject({ code: 0, stdout: expect.stringContaining('no changes') });
  });

  it('names an environment deployers.yaml does not know, and a broken config file', async () => {
    fixture = await createFixture({ commits: [{ name: 'one', files: { 'deployers.yaml': deployersYaml(ns.namespace, ns.namespace) } }] });
    dir = await mkdtemp(join(tmpdir(), 'cascade-cli-deploy-'));
    await writeFile(join(dir, 'cascade.yaml'), `repo: { url: ${fixture.remote}, branch: ${fixture.branch} }\ntargets:\n  local: { type: kubernetes, kubeconfig: ${inject('kubeconfig')} }\n`);
    const unknown = await run('deploy', 'nowhere', '--once');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('nowhere');

    await writeFile(join(dir, 'cascade.yaml'), `repo: { url: ${fixture.remote}, brnch: main }\n`);
    const broken = await run('diff', ns.namespace);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/cascade\.yaml:1:\d+.*brnch/);
  });
});
