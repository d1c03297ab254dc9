// `cascade diff` and `cascade deploy --once` as a user runs them: a real process, a cascade.yaml, the local cluster.
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';
import { useTestNamespace } from '../setup/namespace.ts';
import { deployersYaml } from '../deployer/harness.ts';
import { CASCADE_BIN, type CliRun } from '../e2e/harness.ts';
import { useCliWorkspace } from './workspace.ts';

const ns = useTestNamespace({ prefix: 'cli' });
const workspace = useCliWorkspace('cascade-cli-deploy-');

/** Runs the cascade CLI as a process in `dir` and returns its exit code and output. */
async function run(dir: string, ...args: string[]): Promise<CliRun> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CASCADE_BIN, ...args], { cwd: dir, timeout: 90_000 });
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
    const { fixture, dir } = await workspace(
      { 'deployers.yaml': deployersYaml(env, ns.namespace), [`${env}/deployable/settings.yaml`]: configMap('a') },
      (repo) => `repo: { url: ${repo.remote}, branch: ${repo.branch} }\ntargets:\n  local: { type: kubernetes, kubeconfig: ${inject('kubeconfig')} }\nlog: { level: error }\n`,
    );

    const before = await run(dir, 'diff', env);
    expect(before).toMatchObject({ code: 0 });
    expect(before.stdout).toMatch(/^create\s+settings\s+ConfigMap .*settings/m);

    const deployed = await run(dir, 'deploy', env, '--once', '-o', 'json');
    expect(deployed.code).toBe(0);
    expect(JSON.parse(deployed.stdout)).toMatchObject({ env, state: 'Clean', commit: fixture.commits['one'] });

    const after = await run(dir, 'diff', env);
    expect(after).toMatchObject({ code: 0, stdout: expect.stringContaining('no changes') });
  });

  it('names an environment deployers.yaml does not know, and a broken config file', async () => {
    const { fixture, dir } = await workspace(
      { 'deployers.yaml': deployersYaml(ns.namespace, ns.namespace) },
      (repo) => `repo: { url: ${repo.remote}, branch: ${repo.branch} }\ntargets:\n  local: { type: kubernetes, kubeconfig: ${inject('kubeconfig')} }\n`,
    );
    const unknown = await run(dir, 'deploy', 'nowhere', '--once');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('nowhere');

    await writeFile(join(dir, 'cascade.yaml'), `repo: { url: ${fixture.remote}, brnch: main }\n`);
    const broken = await run(dir, 'diff', ns.namespace);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/cascade\.yaml:1:\d+.*brnch/);
  });
});
