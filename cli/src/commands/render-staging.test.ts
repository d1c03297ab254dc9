import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../testing/run-cli.ts';

const examples = fileURLToPath(new URL('../../../examples/shop', import.meta.url));

type Doc = { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: { replicas?: number; template?: { metadata: { labels: Record<string, string> }; spec: { containers: Array<{ image: string }> } } } };

describe('cascade render --staging', () => {
  let repo: string;
  beforeAll(async () => {
    repo = await mkdtemp(join(tmpdir(), 'cascade-render-staging-'));
    await cp(examples, repo, { recursive: true });
    await writeFile(join(repo, 'stagings.yaml'), 'stagings:\n  feature: { template: dev, target: local, namespace: "shop-{name}", baseDomain: shop.example.com }\n');
  });
  afterAll(async () => rm(repo, { recursive: true, force: true }));

  async function withStaging(name: string, text: string): Promise<void> {
    await mkdir(join(repo, 'stagings'), { recursive: true });
    await writeFile(join(repo, 'stagings', `${name}.yaml`), text);
  }

  it('renders the template with the staging\'s tag and overrides, and its app config', async () => {
    await withStaging('feature-x', 'kind: feature\ntag: 9.9.9-x\nversions: { shop/cart: { image: registry.example.com/shop/cart:9.9.9-x } }\noverrides: { app: { FLAG: new-checkout }, deployment: { replicas: 2 } }\n');
    const result = await runCli('render', '--staging', 'feature-x', '--repo', repo);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const docs = parseAllDocuments(result.stdout).map((d) => d.toJS() as Doc);
    const cart = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'cart')!;
    expect(cart.spec?.replicas).toBe(2);
    expect(cart.spec?.template?.metadata.labels['version']).toBe('9.9.9-x');
    expect(cart.spec?.template?.spec.containers[0]?.image).toBe('registry.example.com/shop/cart:9.9.9-x');
    expect(docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'cascade-app')?.data).toEqual({ FLAG: 'new-checkout' });
  });

  it('renders an archived staging without its workloads', async () => {
    await withStaging('old', 'kind: feature\ntag: "1"\nstate: archived\narchivedAt: 2026-12-01T00:00:00Z\n');
    const result = await runCli('render', '--staging', 'old', '--repo', repo);
    expect(result.exitCode).toBe(0);
    const kinds = new Set(parseAllDocuments(result.stdout).map((d) => (d.toJS() as Doc).kind));
    expect(kinds.has('Deployment')).toBe(false);
    expect(kinds.has('Service')).toBe(true);
  });

  it('names what keeps a staging from rendering', async () => {
    await withStaging('ghost', 'kind: nightly\ntag: "1"\n');
    expect(await runCli('render', '--staging', 'ghost', '--repo', repo)).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('kind "nightly" is not defined in stagings.yaml') });
    expect(await runCli('render', '--staging', 'nope', '--repo', repo)).toMatchObject({ exitCode: 1, stderr: expect.stringContaining('staging "nope" does not exist') });
    expect(await runCli('render', 'dev', '--staging', 'feature-x', '--repo', repo)).toMatchObject({ exitCode: 2 });
    expect(await runCli('render', '--repo', repo)).toMatchObject({ exitCode: 2 });
  });
});
