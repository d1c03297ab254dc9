import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAgeIdentities } from '@cascade/common/secrets';
import { runCli } from '../testing/run-cli.ts';

const run = runCli;

describe('cascade secrets keygen', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cascade-keygen-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('writes the identity 0600 and prints only its recipient', async () => {
    const file = join(dir, 'age.key');
    const result = await run('secrets', 'keygen', '--file', file);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^age1[a-z0-9]+$/);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const [identity] = await parseAgeIdentities(await readFile(file, 'utf8'), file);
    expect(identity!.recipient).toBe(result.stdout);
    expect(result.stderr).not.toContain('AGE-SECRET-KEY');
  });

  it('never overwrites an existing identity', async () => {
    const file = join(dir, 'kept.key');
    await run('secrets', 'keygen', '--file', file);
    const before = await readFile(file, 'utf8');
    const again = await run('secrets', 'keygen', '--file', file);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain('exists');
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('prints the identity file on stdout and the recipient on stderr without --file', async () => {
    const result = await run('secrets', 'keygen');
    expect(result.exitCode).toBe(0);
    const [identity] = await parseAgeIdentities(result.stdout, 'stdout');
    expect(result.stderr).toContain(identity!.recipient);
  });

  it('prints JSON with the recipient and the path, never the key', async () => {
    const file = join(dir, 'json.key');
    const result = await run('secrets', 'keygen', '--file', file, '-o', 'json');
    expect(JSON.parse(result.stdout)).toEqual({ recipient: expect.stringMatching(/^age1/) as string, identityFile: file });
    expect((await run('secrets', 'keygen', '-o', 'json')).exitCode).toBe(2);
  });
});
