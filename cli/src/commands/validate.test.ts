import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFixture, loadFixtureSpec, type GitFixture } from '@cascade/git-fixture';
import { runCli } from '../testing/run-cli.ts';

const brokenRepo = fileURLToPath(new URL('./fixtures/broken-repo.yaml', import.meta.url));
const targetsRepo = fileURLToPath(new URL('./fixtures/targets-repo.yaml', import.meta.url));
const policyRepo = fileURLToPath(new URL('./fixtures/policy-repo.yaml', import.meta.url));
const CONFIG = 'repo: { url: ./remote.git }\ntargets:\n  local: { type: kubernetes }\n';
const UNKNOWN_TARGET = 'deployers.yaml:3:17: error: deployers.pp: target "lokal" is not defined in the deployer\'s config (known targets: local)';
const KUBE_SYSTEM = 'deployers.yaml:4:36: error: deployers.ops: namespace "kube-system" is not allowed for target "local"';

const run = runCli;

/** Runs the CLI from a working directory, as a user in that folder would (test files run in their own process). */
async function runIn(cwd: string, ...args: string[]) {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return await run(...args);
  } finally {
    process.chdir(before);
  }
}

describe('cascade validate and render on a bare repository', () => {
  let fixture: GitFixture;
  beforeAll(async () => {
    fixture = await createFixture({ ...loadFixtureSpec(brokenRepo), head: 'clean' });
  });
  afterAll(async () => fixture.cleanup());

  it('validates the branch HEAD names, not the files git keeps inside the repository', async () => {
    const result = await run('validate', '--repo', fixture.remote);
    expect(result).toMatchObject({ exitCode: 0, stdout: '' });
    expect(result).toEqual(await run('validate', '--repo', fixture.remote, '--ref', fixture.commits['clean'] as string));
  });

  it('renders the branch HEAD names', async () => {
    const result = await run('render', 'dev', '--repo', fixture.remote);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('name: db');
  });
});

describe('cascade validate --config', () => {
  let fixture: GitFixture;
  let dir: string;
  beforeAll(async () => {
    fixture = await createFixture(targetsRepo);
    dir = await mkdtemp(join(tmpdir(), 'cascade-validate-'));
    await writeFile(join(dir, 'cascade.yaml'), CONFIG);
  });
  afterAll(async () => {
    await fixture.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports targets the config lacks and namespaces it does not allow, at their line in deployers.yaml', async () => {
    const result = await run('validate', '--repo', fixture.remote, '--config', join(dir, 'cascade.yaml'));
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(UNKNOWN_TARGET);
    expect(lines[1]).toContain(KUBE_SYSTEM);
    expect(result.stderr).toContain(`targets of ${join(dir, 'cascade.yaml')}`);
  });

  it('gives the same problems with their codes as JSON', async () => {
    const result = await run('validate', '--repo', fixture.remote, '--config', join(dir, 'cascade.yaml'), '-o', 'json');
    const parsed = JSON.parse(result.stdout) as { config: string; errors: number; problems: Array<{ code: string; env: string; line: number }> };
    expect(parsed.config).toBe(join(dir, 'cascade.yaml'));
    expect(parsed.errors).toBe(2);
    expect(parsed.problems.map((p) => [p.code, p.env, p.line])).toEqual([
      ['deployer-unknown-target', 'pp', 3],
      ['deployer-namespace-not-allowed', 'ops', 4],
    ]);
  });

  it('reads cascade.yaml from the working directory like the service commands, and checks nothing without one', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'cascade-validate-noconfig-'));
    try {
      const without = await runIn(empty, 'validate', '--repo', fixture.remote);
      expect(without).toMatchObject({ exitCode: 0, stdout: '' });
      const withConfig = await runIn(dir, 'validate', '--repo', fixture.remote);
      expect(withConfig.exitCode).toBe(1);
      expect(withConfig.stdout).toContain(UNKNOWN_TARGET);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('prints the problems of an invalid config as file:line:col and fails', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'repo: { url: ./remote.git }\ntargets:\n  local: { type: kubernets }\n');
    const result = await run('validate', '--repo', fixture.remote, '--config', bad);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${bad}:3:`);
    expect(result.stderr).toContain('the configuration is not valid');
  });

  it('names a config file that does not exist', async () => {
    const missing = join(dir, 'missing.yaml');
    const result = await run('validate', '--repo', fixture.remote, '--config', missing);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`${missing}: file not found`);
  });
});

describe('cascade validate --config with a target policy', () => {
  let fixture: GitFixture;
  let dir: string;
  beforeAll(async () => {
    fixture = await createFixture(policyRepo);
    dir = await mkdtemp(join(tmpdir(), 'cascade-validate-policy-'));
  });
  afterAll(async () => {
    await fixture.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports each object the policy refuses at its file, and the environment the target does not take', async () => {
    const config = join(dir, 'cascade.yaml');
    await writeFile(config, 'repo: { url: ./remote.git }\ntargets:\n  local: { type: kubernetes, allowedEnvironments: [dev, prod] }\n');
    const result = await run('validate', '--repo', fixture.remote, '--config', config, '-o', 'json');
    expect(result.exitCode).toBe(1);
    const parsed = JSON.parse(result.stdout) as { problems: Array<{ file: string; code: string; env: string; resource?: string; message: string }> };
    expect(parsed.problems.map((p) => [p.file, p.code, p.env, p.resource])).toEqual([
      ['deployers.yaml', 'deployer-environment-not-allowed', 'qa', undefined],
      ['dev/deployable/app.yaml', 'namespace-not-allowed', 'dev', 'app'],
      ['dev/deployable/app.yaml', 'namespace-not-allowed', 'dev', 'app'],
      ['dev/deployable/rbac.yaml', 'cluster-kind-not-allowed', 'dev', 'rbac'],
    ]);
    expect(parsed.problems[1]?.message).toContain('ConfigMap shop-prod/app: environment dev may only use namespace shop-dev on target local; list shop-prod in targets.local.environments.dev.namespaces');
    expect(parsed.problems[2]?.message).toContain('ConfigMap kube-system/sneaky');
    expect(parsed.problems[3]?.message).toContain('targets.local.clusterKinds');
  });

  it('is satisfied once the config allows what the repo does', async () => {
    const config = join(dir, 'allowing.yaml');
    await writeFile(config, [
      'repo: { url: ./remote.git }',
      'targets:',
      '  local:',
      '    type: kubernetes',
      '    environments:',
      '      dev: { namespaces: [shop-prod, kube-system], clusterKinds: [ClusterRole] }',
      '',
    ].join('\n'));
    const result = await run('validate', '--repo', fixture.remote, '--config', config);
    expect(result).toMatchObject({ exitCode: 0, stdout: '' });
  });
});

describe('cascade validate with stagings and script targets', () => {
  let repo: string;
  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'cascade-validate-stagings-'));
    const { mkdir } = await import('node:fs/promises');
    for (const dir of ['dev/base', 'dev/version', 'previews/version', 'stagings']) await mkdir(join(repo, dir), { recursive: true });
    await writeFile(join(repo, 'deployers.yaml'), 'deployers:\n  dev: { target: local, namespace: dev }\n  previews: { target: scripts }\n');
    await writeFile(join(repo, 'dev/base/web.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: web }\ndata: { v: $version }\n');
    await writeFile(join(repo, 'dev/version/web.yaml'), 'version: "1"\n');
    await writeFile(join(repo, 'previews/version/feature-a.yaml'), 'version: "1"\n');
    await writeFile(join(repo, 'stagings.yaml'), 'stagings:\n  feature: { template: dev, target: local, namespace: "shop-{name}" }\n  nightly: { template: dev, target: elsewhere, namespace: "n-{name}" }\n  bare: { template: dev, target: local }\n');
    await writeFile(join(repo, 'stagings/good.yaml'), 'kind: feature\ntag: "1"\n');
    await writeFile(join(repo, 'stagings/lost.yaml'), 'kind: unknown\ntag: "1"\n');
    await writeFile(join(repo, 'cascade.yaml'), 'repo: { url: ./remote.git }\ntargets:\n  local: { type: kubernetes, allowedNamespaces: ["dev", "shop-*"] }\n  scripts: { type: script, dir: ./scripts, projectName: Shop, baseDomain: shop.example.com }\n');
  });
  afterAll(async () => rm(repo, { recursive: true, force: true }));

  it('knows script-target environments from the config and checks staging kinds against its targets', async () => {
    const withConfig = await runIn(repo, 'validate');
    expect(withConfig.stdout).not.toContain('previews/version/feature-a.yaml');
    expect(withConfig.stdout).toContain('stagings.nightly: target "elsewhere" is not defined');
    expect(withConfig.stdout).toContain('stagings.bare: target "local" is a kubernetes target, so the kind needs a namespace pattern');
    expect(withConfig.stdout).toContain('stagings/lost.yaml: error: kind "unknown" is not defined in stagings.yaml');
    expect(withConfig.stdout).not.toContain('stagings/good.yaml');
    expect(withConfig.stderr).toContain('2 stagings');
    // Without the config the repo alone cannot tell a control script's version file from one missing its base.
    const repoOnly = await run('validate', '--repo', repo);
    expect(repoOnly.stdout).toContain('previews/version/feature-a.yaml: error: version file has no base');
  });

  it('refuses a staging namespace the target does not allow', async () => {
    await writeFile(join(repo, 'stagings.yaml'), 'stagings:\n  feature: { template: dev, target: local, namespace: "other-{name}" }\n');
    await writeFile(join(repo, 'stagings/lost.yaml'), 'kind: feature\ntag: "1"\n');
    const result = await runIn(repo, 'validate');
    expect(result.stdout).toContain('stagings/good.yaml: error: namespace "other-good" is not allowed for target "local"');
    expect(result.exitCode).toBe(1);
  });
});
