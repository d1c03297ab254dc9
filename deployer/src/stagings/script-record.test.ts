import { describe, expect, it } from 'vitest';
import type { ScriptRun } from '../scripts/runner.ts';
import { afterSuccess, newRecord, parseRecord, runOfCall, withCall } from './script-record.ts';

const run = (action: ScriptRun['action'], extra: Partial<ScriptRun> = {}): ScriptRun => ({
  action, args: ['--name', 'feature-x', '--config-file', '/tmp/cascade-script-x/config.json'], startedAt: '2026-03-01T12:00:00.000Z', durationMs: 12, exitCode: 0, timedOut: false, stdout: '', stderr: '', ...extra,
});
const context = { at: '2026-03-01T12:00:00.000Z', commit: 'c2', settings: 'f2', tag: 't2' };

describe('withCall', () => {
  it('keeps the last calls only, oldest first', () => {
    let record = newRecord('feature-x', 'scripts', 'salt');
    for (let i = 0; i < 5; i++) record = withCall(record, run('check', { durationMs: i }), [], { calls: 3 });
    expect(record.calls.map((c) => c.durationMs)).toEqual([2, 3, 4]);
  });

  it('keeps the end of the output, marked, and cuts the staging secrets out of output and arguments', () => {
    const record = withCall(newRecord('feature-x', 'scripts', 'salt'), run('create', {
      args: ['--name', 'feature-x', '--application-config', 'TOKEN=sk_live_secret'],
      stdout: `${'x'.repeat(100)}the end`,
      stderr: 'connecting with sk_live_secret failed',
      exitCode: 1,
    }), ['sk_live_secret', 'ab'], { outputBytes: 40 });
    const [call] = record.calls;
    expect(call!.stdout).toBe(`[… 67 bytes before dropped]\n${'x'.repeat(33)}the end`);
    expect(JSON.stringify(record)).not.toContain('sk_live_secret');
    expect(call!.stderr).toBe('connecting with [secret] failed');
    expect(call!.args).toEqual(['--name', 'feature-x', '--application-config', 'TOKEN=[secret]']);
    expect(runOfCall(call!)).toMatchObject({ action: 'create', exitCode: 1 });
  });
});

describe('afterSuccess', () => {
  const base = { ...newRecord('feature-x', 'scripts', 'salt'), links: [{ name: 'web', url: 'https://x' }], health: 'Healthy' as const };

  it('records the settings a create or update ran with, and not those of a restore', () => {
    const created = afterSuccess(base, 'create', context);
    expect(created).toMatchObject({ done: { action: 'create', commit: 'c2' }, deployed: { settings: 'f2', tag: 't2' } });
    expect(afterSuccess(created, 'unarchive', { ...context, settings: 'f3', tag: 't3' }).deployed).toEqual({ settings: 'f2', tag: 't2' });
  });

  it('forgets settings, links and health once cleaned up, and health once archived', () => {
    const gone = afterSuccess(afterSuccess(base, 'create', context), 'cleanup', context);
    expect(gone).toMatchObject({ done: { action: 'cleanup' }, links: [] });
    expect(gone.deployed).toBeUndefined();
    expect(gone.health).toBeUndefined();
    expect(afterSuccess(base, 'archive', context).health).toBeUndefined();
  });

  it('leaves the record as it is for calls that move nothing', () => {
    expect(afterSuccess(base, 'config_check', context)).toBe(base);
    expect(afterSuccess(base, 'info', context)).toBe(base);
  });
});

describe('parseRecord', () => {
  const good = JSON.stringify(withCall(afterSuccess(newRecord('feature-x', 'scripts', 'salt'), 'create', context), run('create'), []));

  it('reads back what was written', () => {
    expect(parseRecord(good, 'feature-x', 'scripts')).toEqual(JSON.parse(good));
  });

  it('refuses another staging, another target, another format and broken files', () => {
    expect(parseRecord(good, 'feature-y', 'scripts')).toBeUndefined();
    expect(parseRecord(good, 'feature-x', 'other')).toBeUndefined();
    expect(parseRecord(good.replace('"format": 1', '"format": 2').replace('"format":1', '"format":2'), 'feature-x', 'scripts')).toBeUndefined();
    expect(parseRecord(good.replace('"create"', '"explode"'), 'feature-x', 'scripts')).toBeUndefined();
    expect(parseRecord('{', 'feature-x', 'scripts')).toBeUndefined();
    expect(parseRecord('[]', 'feature-x', 'scripts')).toBeUndefined();
  });
});
