// The playground's files: a bare remote seeded from examples/shop, tokens, and the cascade.yaml all services read.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWorkingTree } from '@cascade/common';
import { initBareRepo, openRepo } from '@cascade/common/git';
import { generateToken, hashToken } from '@cascade/common/service';

/** The tokens the playground prints, one per role. */
export interface PlaygroundTokens {
  viewer: string;
  ci: string;
  operator: string;
  admin: string;
}

/** Everything a playground run needs on disk. */
export interface Playground {
  dir: string;
  remote: string;
  configFile: string;
  tokens: PlaygroundTokens;
  created: boolean;
}

/** Creates the playground in `dir` from the example repo, or reuses what an earlier run left there. */
export async function preparePlayground(dir: string, exampleDir: string, kube: { kubeconfig: string | undefined; context: string | undefined }, log: (line: string) => void): Promise<Playground> {
  const remote = join(dir, 'remote.git');
  const tokensFile = join(dir, 'tokens.json');
  const created = !existsSync(remote);
  await mkdir(dir, { recursive: true });
  if (created) {
    log(`creating the resource repo ${remote} from ${exampleDir}`);
    await seedRemote(remote, exampleDir);
  } else {
    log(`reusing the resource repo ${remote} (delete ${dir} to start over)`);
  }
  const tokens = existsSync(tokensFile) ? (JSON.parse(await readFile(tokensFile, 'utf8')) as PlaygroundTokens) : newTokens();
  await writeFile(tokensFile, `${JSON.stringify(tokens, null, 2)}\n`, { mode: 0o600 });
  await chmod(tokensFile, 0o600);
  const configFile = join(dir, 'cascade.yaml');
  await writeFile(configFile, configText(tokens, kube));
  return { dir, remote, configFile, tokens, created };
}

/** One fresh token per role. */
function newTokens(): PlaygroundTokens {
  return { viewer: generateToken(), ci: generateToken(), operator: generateToken(), admin: generateToken() };
}

/** The playground's cascade.yaml: repo next to it, the chosen cluster as target `local`, one token per role. */
function configText(tokens: PlaygroundTokens, kube: { kubeconfig: string | undefined; context: string | undefined }): string {
  const target = [`type: kubernetes`, ...(kube.kubeconfig ? [`kubeconfig: ${JSON.stringify(kube.kubeconfig)}`] : []), ...(kube.context ? [`context: ${JSON.stringify(kube.context)}`] : [])].join(', ');
  const token = (name: string, role: keyof PlaygroundTokens) => `    - { name: ${name}, role: ${role}, sha256: ${hashToken(tokens[role])} }`;
  return [
    '# Written by `npm start` for the playground; every service reads its own section.',
    'repo: { url: remote.git, branch: main, pollInterval: 2s }',
    'dataDir: data',
    'log: { level: info, format: text }',
    'targets:',
    `  local: { ${target} }`,
    'deployer: { listen: 127.0.0.1:7401 }',
    'transitioner: { listen: 127.0.0.1:7402 }',
    'aggregator:',
    '  listen: 127.0.0.1:7400',
    '  anonymousRead: false',
    // The example shop's only config key is a log level: harmless, so every role sees it (others would show hidden).
    '  publicConfig: [logLevel]',
    '  tokens:',
    token('playground-viewer', 'viewer'),
    token('playground-ci', 'ci'),
    token('playground-operator', 'operator'),
    token('playground-admin', 'admin'),
    '',
  ].join('\n');
}

/** Creates a bare repository whose first commit is the example resource repo, written the way Cascade writes. */
async function seedRemote(remote: string, exampleDir: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'cascade-playground-seed-'));
  try {
    await initBareRepo(remote, 'main');
    const example = await readWorkingTree(exampleDir);
    const changes = Object.fromEntries([...example.files.values()].flatMap((file) => (file.content === undefined ? [] : [[file.path, file.content] as const])));
    const identity = { name: 'Cascade playground', email: 'playground@cascade.local' };
    const repo = await openRepo({ url: remote, branch: 'main', dir: join(work, 'clone'), committer: identity });
    try {
      await repo.write(() => ({ changes, message: 'The example shop resource repo' }));
    } finally {
      await repo.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
