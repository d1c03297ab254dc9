// `cascade secrets encrypt` and `rotate` against the real sops: what Cascade encrypts sops decrypts, and after a
// rotation the dropped recipient can no longer open the file while the new one can.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sopsCli, TOOLS_BUILD_TIMEOUT_MS } from '@cascade/common/secrets/testing';
import type { GeneratedKey, SopsCli } from '@cascade/common/secrets/testing';
import { runCli } from '../testing/run-cli.ts';

const PLAIN = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: api\nstringData:\n  TOKEN: rotate-canary-19ab\n';

let sops: SopsCli;
let oldKey: GeneratedKey;
let newKey: GeneratedKey;
let dir: string;

const run = runCli;

const sopsYaml = (...recipients: string[]) => `creation_rules:\n  - path_regex: \\.secret\\.yaml$\n    encrypted_regex: ^(data|stringData)$\n    age: ${recipients.join(',')}\n`;

beforeAll(async () => {
  sops = await sopsCli();
  [oldKey, newKey] = [await sops.keygen(), await sops.keygen()];
  dir = await mkdtemp(join(tmpdir(), 'cascade-secrets-cli-'));
  await mkdir(join(dir, 'prod', 'deployable'), { recursive: true });
  await writeFile(join(dir, '.sops.yaml'), sopsYaml(oldKey.recipient));
  await writeFile(join(dir, 'old.key'), oldKey.identityFile, { mode: 0o600 });
}, TOOLS_BUILD_TIMEOUT_MS);
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('cascade secrets encrypt', () => {
  it('encrypts in place to the rule found above the file, and sops -d opens it', async () => {
    const file = join(dir, 'prod', 'deployable', 'api.secret.yaml');
    await writeFile(file, PLAIN);
    const result = await run('secrets', 'encrypt', file);
    expect(result).toMatchObject({ exitCode: 0, stdout: `encrypted ${file} to ${oldKey.recipient}` });
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('rotate-canary-19ab');
    expect(parse(text)).toMatchObject({ metadata: { name: 'api' }, sops: { encrypted_regex: '^(data|stringData)$' } });
    expect(parse(await sops.decrypt(text, oldKey.identityFile))).toEqual(parse(PLAIN));
    expect((await run('secrets', 'encrypt', file)).exitCode).toBe(2);
  });

  it('names the file when no rule matches', async () => {
    const file = join(dir, 'prod', 'plain.yaml');
    await writeFile(file, PLAIN);
    const result = await run('secrets', 'encrypt', file);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('.sops.yaml');
    expect(await readFile(file, 'utf8')).toBe(PLAIN);
  });
});

describe('cascade secrets rotate', () => {
  it('re-wraps every SOPS file to the current recipients, as sops updatekeys', async () => {
    // A file sops itself wrote, beside the one Cascade wrote above.
    await writeFile(join(dir, 'prod', 'deployable', 'db.secret.yaml'), await sops.encrypt(PLAIN, ['--age', oldKey.recipient, '--encrypted-regex', '^(data|stringData)$'], 'db.secret.yaml'));
    await writeFile(join(dir, '.sops.yaml'), sopsYaml(newKey.recipient));
    const result = await run('secrets', 'rotate', '--age-identity', join(dir, 'old.key'), '--dir', dir);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n').sort()).toEqual(
      ['api.secret.yaml', 'db.secret.yaml'].map((name) => `prod/deployable/${name}: +${newKey.recipient} -${oldKey.recipient}`),
    );
    expect(result.stderr).toContain('2 of 2 SOPS files');
    for (const name of ['api.secret.yaml', 'db.secret.yaml']) {
      const text = await readFile(join(dir, 'prod', 'deployable', name), 'utf8');
      expect(parse(await sops.decrypt(text, newKey.identityFile))).toEqual(parse(PLAIN));
      await expect(sops.decrypt(text, oldKey.identityFile)).rejects.toThrow();
    }
    const again = await run('secrets', 'rotate', '--age-identity', join(dir, 'old.key'), '--dir', dir);
    expect(again.exitCode).toBe(1);
  });

  it('makes the rotation one commit of exactly the re-encrypted files in a git work tree', async () => {
    const repo = await mkdtemp(join(tmpdir(), 'cascade-rotate-git-'));
    try {
      const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();
      git('init', '--quiet', '--initial-branch', 'main');
      git('config', 'user.name', 'Ops');
      git('config', 'user.email', 'ops@example.com');
      await writeFile(join(repo, '.sops.yaml'), sopsYaml(oldKey.recipient));
      await writeFile(join(repo, 'a.secret.yaml'), await sops.encrypt(PLAIN, ['--age', oldKey.recipient, '--encrypted-regex', '^(data|stringData)$'], 'a.secret.yaml'));
      await writeFile(join(repo, 'b.secret.yaml'), await sops.encrypt(PLAIN, ['--age', oldKey.recipient, '--encrypted-regex', '^(data|stringData)$'], 'b.secret.yaml'));
      await writeFile(join(repo, 'notes.txt'), 'first');
      git('add', '.');
      git('commit', '--quiet', '-m', 'start');
      await writeFile(join(repo, '.sops.yaml'), sopsYaml(newKey.recipient));
      await writeFile(join(repo, 'notes.txt'), 'an unrelated edit stays uncommitted');
      const result = await run('secrets', 'rotate', '--age-identity', join(dir, 'old.key'), '--dir', repo, '-o', 'json');
      expect(result.exitCode).toBe(0);
      const { commit } = JSON.parse(result.stdout) as { commit: string };
      expect(git('rev-parse', 'HEAD')).toBe(commit);
      expect(git('show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(['a.secret.yaml', 'b.secret.yaml']);
      expect(git('status', '--porcelain')).toContain('notes.txt');
      // --no-commit leaves them for the user.
      await writeFile(join(repo, '.sops.yaml'), sopsYaml(oldKey.recipient));
      await writeFile(join(dir, 'new.key'), newKey.identityFile, { mode: 0o600 });
      const left = await run('secrets', 'rotate', '--age-identity', join(dir, 'new.key'), '--dir', repo, '--no-commit');
      expect(left.exitCode).toBe(0);
      expect(git('rev-parse', 'HEAD')).toBe(commit);
      expect(git('status', '--porcelain')).toContain('a.secret.yaml');
    } finally {
      await rm(repo, { recursive: true, force: true });
    }
  });

  it('needs an identity', async () => {
    expect((await run('secrets', 'rotate', '--dir', dir)).exitCode).toBe(2);
  });
});
