import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { createFixture, type GitFixture } from '@cascade/git-fixture';
import { runCli } from '../testing/run-cli.ts';

const examples = fileURLToPath(new URL('../../../examples/shop', import.meta.url));
const fixturePath = fileURLToPath(new URL('./fixtures/broken-repo.yaml', import.meta.url));

const run = runCli;

describe('cascade validate and render', () => {
  let fixture: GitFixture;
  beforeAll(async () => {
    fixture = await createFixture(fixturePath);
  });
  afterAll(async () => fixture.cleanup());

  it('finds no problem in the example repo', async () => {
    const result = await run('validate', '--repo', examples);
    expect(result).toMatchObject({ exitCode: 0, stdout: '' });
    expect(result.stderr).toContain('4 environments');
  });

  it('reads a commit of a git remote with --ref and prints file:line:col per problem', async () => {
    const clean = await run('validate', '--repo', fixture.remote, '--ref', 'main');
    expect(clean.exitCode).toBe(1);
    expect(clean.stdout.split('\n').sort()).toEqual([
      'dev/base/web.yaml:4:16: error: ${image} is not set: the version file has no key "image" (dev/version/web.yaml)',
      'dev/version/link.yaml: error: symlinks are not allowed in a resource repo; commit the file itself',
    ]);
    await fixture.setRef('main', 'clean');
    expect((await run('validate', '--repo', fixture.remote, '--ref', 'main')).exitCode).toBe(0);
    expect((await run('validate', '--repo', fixture.remote, '--ref', fixture.commits['broken'] as string)).exitCode).toBe(1);
  });

  it('prints problems as JSON with -o json', async () => {
    const result = await run('validate', '--repo', fixture.remote, '--ref', fixture.commits['broken'] as string, '-o', 'json');
    const parsed = JSON.parse(result.stdout) as { errors: number; problems: Array<{ file: string; code: string }> };
    expect(parsed.errors).toBe(2);
    expect(parsed.problems.map((p) => p.code).sort()).toEqual(['missing-key', 'symlink']);
  });

  it('renders an environment as a YAML stream that parses back', async () => {
    const result = await run('render', 'dev', '--repo', examples);
    expect(result.exitCode).toBe(0);
    const docs = parseAllDocuments(result.stdout).map((d) => d.toJS() as { kind: string; metadata: { name: string } });
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'Deployment/payments', 'Service/payments', 'ConfigMap/shop-settings', 'Deployment/cart', 'Service/cart', 'Deployment/checkout', 'Service/checkout',
    ]);
  });

  it('renders the good resources and reports the broken one', async () => {
    const result = await run('render', 'dev', '--repo', fixture.remote, '--ref', fixture.commits['broken'] as string);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('name: db');
    expect(result.stderr).toContain('dev/base/web.yaml:4:16');
  });

  it('names the argument that is wrong', async () => {
    expect(await run('render', 'qa', '--repo', examples)).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('environment "qa" does not exist') });
    expect(await run('validate', '--repo', '/nonexistent/repo')).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('--repo /nonexistent/repo') });
    expect(await run('validate', '-o', 'xml', '--repo', examples)).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('-o xml') });
    expect(await run('frobnicate')).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
    expect(await run('render', 'dev', '--nope')).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('--nope') });
  });
});
