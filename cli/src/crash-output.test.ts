// A crash of a `cascade` process reports the error as Node would, with every value its keyrings decrypted cut out.
import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretsKeyring } from '@cascade/common/secrets';
import { encryptSopsYaml, generateAgeIdentity, SCRUBBED, SecretsError } from '@cascade/common/secrets';
import { keyringHolding } from '@cascade/common/secrets/testing';
import { CrashOutput } from './crash-output.ts';
import { main } from './main.ts';

// Unique per run, so a hit can only come from this test.
const CANARY = `crashcanary${Date.now().toString(36)}`;
const BASE64 = Buffer.from(CANARY, 'utf8').toString('base64');
let keyring: SecretsKeyring;
let dir: string;

beforeAll(async () => {
  keyring = await keyringHolding({ DB_PASSWORD: CANARY });
  dir = await mkdtemp(join(tmpdir(), 'cascade-crash-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A crash output that knows the canary. */
function scrubbing(): CrashOutput {
  const crash = new CrashOutput();
  crash.scrubWith(keyring);
  return crash;
}

/** A stand-in for `process`: emits the crash events, records the exit code. */
function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  return { emitter, exits, target: { on: (event: string, listener: (thrown: unknown) => void) => emitter.on(event, listener), exit: (code: number) => void exits.push(code) } };
}

describe('CrashOutput', () => {
  it('reports stack, cause and fields of an error with the decrypted values cut out', () => {
    const error = new SecretsError('malformed-yaml', { file: 'dev/version/app.yaml', detail: `near "${CANARY}"` });
    const thrown = new Error(`apply refused label ${CANARY} (${BASE64})`, { cause: error });
    const report = scrubbing().describe(thrown);
    expect(report).not.toContain(CANARY);
    expect(report).not.toContain(BASE64);
    expect(report).toContain(`apply refused label ${SCRUBBED} (${SCRUBBED})`);
    // What Node would print is all there: the frames, the cause with its class and data.
    expect(report).toMatch(/\n\s+at /);
    expect(report).toContain('[cause]: SecretsError');
    expect(report).toContain('dev/version/app.yaml');
    expect(new CrashOutput().describe(thrown)).toContain(CANARY);
  });

  it('prints the scrubbed report and exits 1 on an uncaught exception and on an unhandled rejection', () => {
    for (const [event, thrown] of [['uncaughtException', new Error(`boom ${CANARY}`)], ['unhandledRejection', `rejected with ${CANARY}`]] as const) {
      const { emitter, exits, target } = fakeProcess();
      const lines: string[] = [];
      scrubbing().install(target, { err: (text) => lines.push(text) });
      emitter.emit(event, thrown);
      expect(exits).toEqual([1]);
      expect(lines.join('\n')).toContain(SCRUBBED);
      expect(lines.join('\n')).not.toContain(CANARY);
    }
  });

  it('prints nothing of the error when the scrubbing itself fails', () => {
    const { emitter, exits, target } = fakeProcess();
    const crash = new CrashOutput();
    crash.scrubWith({
      scrub: () => {
        throw new Error('broken scrubber');
      },
    });
    const lines: string[] = [];
    crash.install(target, { err: (text) => lines.push(text) });
    emitter.emit('uncaughtException', new Error(`boom ${CANARY}`));
    expect(exits).toEqual([1]);
    expect(lines).toEqual(['uncaught exception; the report could not be scrubbed of secret values, so it is not shown']);
  });

  it('keeps Node from printing the raw error in a real process: exit code 1, the report scrubbed', async () => {
    const crashOutput = pathToFileURL(join(import.meta.dirname, 'crash-output.ts')).href;
    const output = pathToFileURL(join(import.meta.dirname, 'output.ts')).href;
    const run = (how: 'throw' | 'reject', scrub: boolean) => {
      const script = [
        `const { CrashOutput } = await import(${JSON.stringify(crashOutput)});`,
        `const { processIo } = await import(${JSON.stringify(output)});`,
        `const { keyringHolding } = await import('@cascade/common/secrets/testing');`,
        'const crash = new CrashOutput();',
        'crash.install(process, processIo);',
        `if (${scrub}) crash.scrubWith(await keyringHolding({ DB_PASSWORD: process.env.CANARY }));`,
        how === 'throw'
          ? 'setTimeout(() => { throw new Error(`connect failed for postgres://app:${process.env.CANARY}@db`); }, 0);'
          : 'void Promise.reject(new Error(`connect failed for postgres://app:${process.env.CANARY}@db`));',
      ].join('\n');
      return new Promise<{ code: number | null; stderr: string }>((resolve) => {
        // The canary goes through the environment, so the command line (and the process list) never holds it.
        execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, CANARY }, timeout: 60_000 }, (error, _stdout, stderr) => {
          resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr });
        });
      });
    };
    for (const how of ['throw', 'reject'] as const) {
      const scrubbed = await run(how, true);
      expect([how, scrubbed.code]).toEqual([how, 1]);
      expect(scrubbed.stderr).toContain(`connect failed for postgres://app:${SCRUBBED}@db`);
      expect(scrubbed.stderr).not.toContain(CANARY);
    }
    // Without a keyring, the same crash shows the value: the check above looks where it would appear.
    const unscrubbed = await run('throw', false);
    expect(unscrubbed.code).toBe(1);
    expect(unscrubbed.stderr).toContain(CANARY);
  }, 60_000);
});

describe('commands that open a keyring', () => {
  it('cascade validate --age-identity: what the keyring decrypted is cut out of the process reports', async () => {
    const key = await generateAgeIdentity(new Date('2026-05-06T07:08:09Z'));
    const keyFile = join(dir, 'age.key');
    await writeFile(keyFile, key.identityFile);
    await chmod(keyFile, 0o600);
    const repo = join(dir, 'repo');
    const file = 'dev/version/app.yaml';
    const encrypted = await encryptSopsYaml(`version: "1.0"\nsecrets:\n  apiKey: ${CANARY}\n`, { file, recipients: [key.recipient], rule: { field: 'encrypted_regex', value: '^secrets$' }, now: new Date() });
    const files: Record<string, string> = {
      'deployers.yaml': 'deployers: {}\n',
      [file]: encrypted,
      'dev/base/app.yaml': 'apiVersion: v1\nkind: Secret\nmetadata: { name: app }\nstringData:\n  API_KEY: ${secrets.apiKey}\n',
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(repo, path, '..'), { recursive: true });
      await writeFile(join(repo, path), text);
    }
    const crash = new CrashOutput();
    const out: string[] = [];
    const exitCode = await main(['validate', '--repo', repo, '--age-identity', keyFile], { out: (t) => out.push(t), err: (t) => out.push(t) }, crash);
    expect([exitCode, out.join('\n')]).toEqual([0, expect.not.stringContaining(CANARY)]);
    expect(crash.scrub(`crashed near ${CANARY}`)).toBe(`crashed near ${SCRUBBED}`);
  });
});
