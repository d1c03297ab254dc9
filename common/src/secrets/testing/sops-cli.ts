// The real sops and age-keygen binaries for tests, from the tools cache (built on first use, never skipped).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toolPath } from '../../../../scripts/tools/index.ts';

const run = promisify(execFile);

/** How long a test hook may wait for the first sops build on a fresh machine (2 cores, shared). */
export const TOOLS_BUILD_TIMEOUT_MS = 45 * 60_000;

/** An age key pair made by age-keygen. */
export interface GeneratedKey {
  /** The identity file as age-keygen writes it (comments and the AGE-SECRET-KEY line). */
  identityFile: string;
  recipient: string;
}

/** What a test asks of the sops CLI; every call runs in its own temporary directory with no `.sops.yaml` above it. */
export interface SopsCli {
  /** `sops encrypt` of a plain YAML file named `name`, with extra flags such as `--age` or `--encrypted-regex`. */
  encrypt(plainYaml: string, flags: string[], name?: string): Promise<string>;
  /** `sops encrypt` with a `.sops.yaml` beside the file, so sops picks recipients and rules from its creation rules. */
  encryptWithConfig(plainYaml: string, sopsYaml: string, name: string): Promise<string>;
  /** `sops decrypt`, with SOPS_AGE_KEY_FILE holding `identityFile`; rejects with sops's stderr on failure. */
  decrypt(encryptedYaml: string, identityFile: string, name?: string): Promise<string>;
  /** A fresh key pair from age-keygen. */
  keygen(): Promise<GeneratedKey>;
}

/** The sops CLI, building sops and age into the tools cache first when they are missing. */
export async function sopsCli(): Promise<SopsCli> {
  const log = (line: string) => console.error(`[tools] ${line}`);
  const sops = await toolPath('sops', log);
  const ageKeygen = await toolPath('age-keygen', log);
  const inTempDir = async <T>(body: (dir: string) => Promise<T>): Promise<T> => {
    const dir = await mkdtemp(join(tmpdir(), 'cascade-sops-'));
    try {
      return await body(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  // No inherited SOPS_* variables and no user config: only what the test passes counts.
  const env = (dir: string, extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', HOME: dir, XDG_CONFIG_HOME: dir, ...extra });
  return {
    encrypt: (plainYaml, flags, name = 'secret.yaml') =>
      inTempDir(async (dir) => {
        await writeFile(join(dir, name), plainYaml);
        const { stdout } = await run(sops, ['encrypt', ...flags, '--input-type', 'yaml', '--output-type', 'yaml', name], { cwd: dir, env: env(dir) });
        return stdout;
      }),
    encryptWithConfig: (plainYaml, sopsYaml, name) =>
      inTempDir(async (dir) => {
        await writeFile(join(dir, '.sops.yaml'), sopsYaml);
        await writeFile(join(dir, name), plainYaml);
        const { stdout } = await run(sops, ['encrypt', '--input-type', 'yaml', '--output-type', 'yaml', name], { cwd: dir, env: env(dir) });
        return stdout;
      }),
    decrypt: (encryptedYaml, identityFile, name = 'secret.yaml') =>
      inTempDir(async (dir) => {
        await writeFile(join(dir, name), encryptedYaml);
        await writeFile(join(dir, 'keys.txt'), identityFile, { mode: 0o600 });
        const { stdout } = await run(sops, ['decrypt', '--input-type', 'yaml', '--output-type', 'yaml', name], { cwd: dir, env: env(dir, { SOPS_AGE_KEY_FILE: join(dir, 'keys.txt') }) });
        return stdout;
      }),
    keygen: () =>
      inTempDir(async (dir) => {
        await run(ageKeygen, ['-o', join(dir, 'key.txt')], { cwd: dir, env: env(dir) });
        const identityFile = await readFile(join(dir, 'key.txt'), 'utf8');
        const recipient = /^# public key: (age1\S+)$/m.exec(identityFile)?.[1];
        if (!recipient) throw new Error('age-keygen wrote no public key comment');
        return { identityFile, recipient };
      }),
  };
}
