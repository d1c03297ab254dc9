// Every line the deployer logs is cut free of decrypted values, in its message, its fields and the errors it carries.
import { beforeAll, describe, expect, it } from 'vitest';
import type { SecretsKeyring } from '@cascade/common/secrets';
import { SCRUBBED } from '@cascade/common/secrets';
import { keyringHolding } from '@cascade/common/secrets/testing';
import { createLogger } from '@cascade/common/service';
import { scrubbingLogger } from './scrubbing-logger.ts';

const CANARY = `logcanary${Date.now().toString(36)}`;
let keyring: SecretsKeyring;

beforeAll(async () => {
  keyring = await keyringHolding({ API_KEY: CANARY });
});

/** A scrubbing logger writing raw JSON lines into the returned array. */
function capture(): { lines: string[]; logger: ReturnType<typeof scrubbingLogger> } {
  const lines: string[] = [];
  return { lines, logger: scrubbingLogger(createLogger({ level: 'debug', sink: (line) => lines.push(line) }), keyring) };
}

describe('scrubbingLogger', () => {
  it('cuts decrypted values out of the message and plain fields', () => {
    const { lines, logger } = capture();
    logger.debug(`applied ${CANARY}`, { detail: { quoted: `value "${CANARY}"` }, encoded: Buffer.from(CANARY).toString('base64') });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(CANARY);
    expect(lines[0]).not.toContain(Buffer.from(CANARY).toString('base64'));
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: `applied ${SCRUBBED}`, detail: { quoted: `value "${SCRUBBED}"` }, encoded: SCRUBBED });
  });

  it('cuts them out of errors in the fields too: message, stack and cause', () => {
    const { lines, logger } = capture();
    const error = new Error(`the server refused label ${CANARY}`, { cause: new Error(`quoted ${CANARY}`) });
    logger.child({ env: 'dev', failure: error }).warn('apply failed', { error });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(CANARY);
    const line = JSON.parse(lines[0]!) as { error: { message: string; stack: string; cause: { message: string } }; failure: { message: string } };
    expect(line.error.message).toBe(`the server refused label ${SCRUBBED}`);
    expect(line.error.stack).toContain(`the server refused label ${SCRUBBED}`);
    expect(line.error.cause.message).toBe(`quoted ${SCRUBBED}`);
    expect(line.failure.message).toBe(`the server refused label ${SCRUBBED}`);
  });

  it('does not scrub a line its level leaves out, and still scrubs one it writes', () => {
    const lines: string[] = [];
    const scrubbed: unknown[] = [];
    const counting = { scrub: <T>(value: T): T => (scrubbed.push(value), keyring.scrub(value)) };
    const logger = scrubbingLogger(createLogger({ level: 'info', sink: (line) => lines.push(line) }), counting);
    logger.debug(`skipped ${CANARY}`, { detail: CANARY });
    expect(scrubbed).toEqual([]);
    logger.info(`kept ${CANARY}`, { detail: CANARY });
    expect(scrubbed).not.toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(CANARY);
  });
});
