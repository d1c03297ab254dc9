// The option values `cascade push` and `cascade staging` share: what a pair, a scalar and a secret source are, and
// how each mistake is refused (exit 2, naming the option, never repeating a secret typed on the command line).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliError } from '../errors.ts';
import { readSecrets, secretSource, splitPair, yamlScalar } from './option-values.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cascade-option-values-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** The CliError `run` throws, as the fields a user sees. */
async function refusal(run: () => unknown): Promise<{ message: string; hint: string | undefined; exitCode: number }> {
  const error = await Promise.resolve().then(run).then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(CliError);
  const { message, hint, exitCode } = error as CliError;
  return { message, hint, exitCode };
}

describe('option values', () => {
  it('splits a pair at the first "=", and refuses one without a key in the form the option uses', async () => {
    expect(splitPair('url=http://x/?a=b', '--set', { form: 'key=value', example: 'image=app:1' })).toEqual(['url', 'http://x/?a=b']);
    expect(splitPair('EMPTY=', '--app', { form: 'KEY=VALUE', example: 'A=b' })).toEqual(['EMPTY', '']);
    expect(await refusal(() => splitPair('novalue', '--set', { form: 'key=value', example: 'image=app:1' }))).toEqual({ message: '--set novalue: expected key=value', hint: 'Example: --set image=app:1', exitCode: 2 });
    expect((await refusal(() => splitPair('=x', '--app', { form: 'KEY=VALUE', example: 'A=b' }))).message).toBe('--app =x: expected KEY=VALUE');
  });

  it('reads a value as a YAML scalar and refuses maps, lists and bad YAML with the hint given', async () => {
    expect(['2', 'true', 'null', '1.10', '"0123"', 'text'].map((text) => yamlScalar(text, '--set', 'k', 'h'))).toEqual([2, true, null, 1.1, '0123', 'text']);
    for (const text of ['{a: 1}', '[1]', '"open']) {
      expect(await refusal(() => yamlScalar(text, '--deployment', 'k', 'Quote it.'))).toEqual({ message: `--deployment k=${text}: not a YAML scalar`, hint: 'Quote it.', exitCode: 2 });
    }
  });

  it('takes a secret only from a file or stdin, and reads the file exactly', async () => {
    expect(secretSource('KEY=@-')).toEqual({ key: 'KEY', from: '-' });
    const file = join(dir, 'key.txt');
    await writeFile(file, 'value with newline\n');
    expect(await readSecrets([secretSource(`KEY=@${file}`)])).toEqual({ KEY: 'value with newline\n' });
    expect(await readSecrets([])).toBeUndefined();
    const typed = await refusal(() => secretSource('KEY=typed-secret'));
    expect(typed).toMatchObject({ message: '--secret KEY=…: a value on the command line lands in shell history and the process list', exitCode: 2 });
    expect(JSON.stringify(typed)).not.toContain('typed-secret');
    expect((await refusal(() => secretSource('KEY=@'))).message).toContain('a value on the command line');
    expect((await refusal(() => readSecrets([secretSource(`A=@${file}`), secretSource(`A=@${file}`)]))).message).toBe('--secret A is given twice');
    expect((await refusal(() => readSecrets([secretSource(`A=@${join(dir, 'missing')}`)]))).message).toBe(`--secret A=@${join(dir, 'missing')}: ENOENT`);
  });
});
