import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.ts';
import { createLogger } from './logger.ts';
import { REDACTED, redact } from './redact.ts';

describe('createLogger', () => {
  const clock = new ManualClock('2024-05-01T10:00:00Z');

  it('writes JSON lines with time, level, message and bound fields', () => {
    const lines: string[] = [];
    const logger = createLogger({ sink: (l) => lines.push(l), clock }).child({ service: 'deployer' });
    logger.child({ env: 'dev' }).info('applied', { resources: 3 });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { time: '2024-05-01T10:00:00.000Z', level: 'info', msg: 'applied', service: 'deployer', env: 'dev', resources: 3 },
    ]);
  });

  it('drops lines below the configured level', () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', sink: (l) => lines.push(l), clock });
    logger.debug('a');
    logger.info('b');
    logger.warn('c');
    logger.error('d');
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['c', 'd']);
    expect(logger.isEnabled('info')).toBe(false);
  });

  it('formats text lines for terminals, quoting values with spaces', () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'text', sink: (l) => lines.push(l), clock });
    logger.warn('push rejected', { attempt: 2, reason: 'non fast-forward' });
    expect(lines).toEqual(['2024-05-01T10:00:00.000Z WARN  push rejected attempt=2 reason="non fast-forward"']);
  });

  it('redacts secret-named fields, in bound fields too, and never lets a field replace the message', () => {
    const lines: string[] = [];
    const logger = createLogger({ sink: (l) => lines.push(l), clock }).child({ apiToken: 'abc' });
    logger.info('request', { headers: { Authorization: 'Bearer xyz', accept: 'json' }, msg: 'spoof' });
    const line = JSON.parse(lines[0] ?? '');
    expect(line.apiToken).toBe(REDACTED);
    expect(line.headers).toEqual({ Authorization: REDACTED, accept: 'json' });
    expect(line.msg).toBe('request');
    expect(lines[0]).not.toContain('xyz');
  });
});

describe('redact', () => {
  it('replaces values under secret-like keys at any depth', () => {
    expect(
      redact({ user: 'ann', password: 'p', nested: [{ client_secret: 's', x_api_key: 'k', ok: 1 }], cookie: 'c' }),
    ).toEqual({ user: 'ann', password: REDACTED, nested: [{ client_secret: REDACTED, x_api_key: REDACTED, ok: 1 }], cookie: REDACTED });
  });

  it('cuts bearer credentials out of free text', () => {
    expect(redact('GET failed: Authorization: Bearer cascade_abc.def')).toBe('GET failed: Authorization: Bearer [redacted]');
  });

  it('makes errors plain, keeping their code and redacting their fields', () => {
    const error = Object.assign(new Error('boom'), { code: 'push-rejected' });
    const out = redact({ error }) as { error: Record<string, unknown> };
    expect(out.error).toMatchObject({ name: 'Error', message: 'boom', code: 'push-rejected' });
  });

  it('keeps a __proto__ key (as version files may have) an own field, never the copy\'s prototype', () => {
    const fields = JSON.parse('{"version":"1","__proto__":{"admin":true}}') as Record<string, unknown>;
    const out = redact(fields) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"version":"1","__proto__":{"admin":true}}');
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redact(a)).toEqual({ name: 'a', self: '[circular]' });
  });
});
