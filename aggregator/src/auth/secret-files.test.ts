import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClientSecret, loadSessionKey, SecretFileError } from './secret-files.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cascade-secret-files-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

async function secretFile(name: string, content: string, mode = 0o600): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, content);
  await chmod(file, mode);
  return file;
}

const refusal = async (load: Promise<unknown>) => {
  const error = await load.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(SecretFileError);
  return (error as SecretFileError).code;
};

describe('loadSessionKey', () => {
  it('makes a random key per process without a file', async () => {
    const [a, b] = await Promise.all([loadSessionKey(undefined), loadSessionKey(undefined)]);
    expect([a.fromFile, a.key.byteLength]).toEqual([false, 32]);
    expect(Buffer.from(a.key).equals(Buffer.from(b.key))).toBe(false);
  });

  it('reads the file without its final newline', async () => {
    const { key, fromFile } = await loadSessionKey(await secretFile('ok.key', `${'k'.repeat(40)}\n`));
    expect([fromFile, Buffer.from(key).toString()]).toEqual([true, 'k'.repeat(40)]);
  });

  it('refuses a short key, a file others may read, and a missing file, naming the file but never the content', async () => {
    expect(await refusal(loadSessionKey(await secretFile('short.key', 'secret-but-short')))).toBe('too-short');
    const open = await secretFile('open.key', 'k'.repeat(40), 0o640);
    const error = (await loadSessionKey(open).then(() => undefined, (caught: unknown) => caught)) as SecretFileError;
    expect([error.code, error.message.includes(open), error.message.includes('kkkk')]).toEqual(['too-open', true, false]);
    expect(await refusal(loadSessionKey(join(dir, 'missing.key')))).toBe('unreadable');
  });
});

describe('loadClientSecret', () => {
  it('reads the secret trimmed, and refuses an empty file', async () => {
    expect(await loadClientSecret(await secretFile('client', '  s3cret \n'))).toBe('s3cret');
    expect(await refusal(loadClientSecret(await secretFile('empty', '\n')))).toBe('empty');
  });
});
