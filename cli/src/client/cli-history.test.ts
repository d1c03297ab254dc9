// `cascade history` says what a promotion moved, as the dashboard does, and reads times in the local zone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryPage } from '@cascade/common/api';
import { HISTORY_FIXTURE, startHarness, type Harness } from '@cascade/aggregator/testing';
import { runCli } from '../testing/run-cli.ts';

let h: Harness;
const zone = process.env['TZ'];
beforeAll(async () => {
  h = await startHarness({ fixture: HISTORY_FIXTURE });
  process.env['CASCADE_URL'] = h.aggregator.url;
  process.env['CASCADE_TOKEN'] = h.tokens.viewer;
  // A zone away from UTC, so a time left in UTC shows.
  process.env['TZ'] = 'Europe/Berlin';
});
afterAll(async () => {
  delete process.env['CASCADE_URL'];
  delete process.env['CASCADE_TOKEN'];
  if (zone === undefined) delete process.env['TZ'];
  else process.env['TZ'] = zone;
  await h.cleanup();
});

/** The table line of a fixture commit. */
const lineOf = (stdout: string, name: string) => stdout.split('\n').find((line) => line.startsWith((h.fx.commits[name] as string).slice(0, 7))) ?? '';

describe('cascade history', () => {
  it('fills VERSION with what a promotion moved, marking a step back in pipeline order', async () => {
    const result = await runCli('history', '--type', 'Transition');
    expect(result.exitCode).toBe(0);
    expect(lineOf(result.stdout, 'to-prod')).toMatch(/\s1\.6\.0 → 1\.5\.1\s/);
    expect(lineOf(result.stdout, 'to-prod')).not.toContain('downgrade');
    // Two resources: each named, in the order the promotion lists them.
    expect(lineOf(result.stdout, 'downgrade-pp')).toContain('shop/cart 1.5.2 → 1.5.1 (downgrade), payments 0c3d7b2 → e4f2a91 (downgrade)');
    expect(lineOf(result.stdout, 'to-dev')).toContain('shop/cart 1.5.2 (new), payments 0c3d7b2 (new)');
  });

  it('shows one moved resource as its versions alone', async () => {
    const result = await runCli('history', '--type', 'Transition', '--env', 'prod');
    expect(result.stdout.split('\n')[0]).toMatch(/^COMMIT\s+TIME\s+TYPE\s+ENV\s+RESOURCE\s+VERSION/);
    expect(lineOf(result.stdout, 'to-prod')).toMatch(/shop\/cart\s+1\.6\.0 → 1\.5\.1\s/);
  });

  it('gives the JSON entries their moves', async () => {
    const page = JSON.parse((await runCli('history', '--type', 'Transition', '-o', 'json')).stdout) as HistoryPage;
    const downgrade = page.entries.find((e) => e.commit === h.fx.commits['downgrade-pp']);
    expect(downgrade?.moves?.[0]).toEqual({ resource: 'shop/cart', env: 'pp', from: '1.5.2', to: '1.5.1', downgrade: true });
  });

  it('lists schedule commits with their window in local time, or leaves them out', async () => {
    const schedules = await runCli('history', '--type', 'Schedule');
    expect(lineOf(schedules.stdout, 'schedule')).toContain('Schedule prod: next window 2026-12-03 06:00');
    const without = await runCli('history', '--exclude-type', 'Schedule');
    expect(without.exitCode).toBe(0);
    expect(lineOf(without.stdout, 'schedule')).toBe('');
    expect(lineOf(without.stdout, 'downgrade-pp')).not.toBe('');
    const bad = await runCli('history', '--exclude-type', 'Nightly');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--exclude-type Nightly: unknown commit type');
  });
});
