// The matrix at 10,000 resources × 4 environments in a real Chromium: the status arrives in parts (the first rows at
// once), every part is applied, and a pushed version arrives as a delta that changes one cell.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AggregatorStatus, StatusEvent, StreamEvent } from '@cascade/common/api';
import type { Page } from 'playwright-core';
import { bigDeployerStatus, bigRepo, bigResourceName } from './support/big-repo.ts';
import { startDashboard, type Dashboard } from './support/dashboard.ts';
import { readEventStream } from './support/event-stream.ts';

const SIZE = 10_000;
const FIRST = 40;
let dashboard: Dashboard;

beforeAll(async () => {
  const deployer = bigDeployerStatus(SIZE);
  dashboard = await startDashboard({ fixture: bigRepo(SIZE), peers: { deployer: () => deployer, transitioner: () => ({ transitions: [] }) } });
  // Bounded wait for the first poll of the deployer stand-in, so every test sees its reports.
  for (let i = 0; i < 100; i++) {
    const status = (await (await dashboard.call('GET', '/api/v1/status', { role: 'viewer' })).json()) as AggregatorStatus;
    if (status.deployer.state === 'ok') return;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error('the aggregator never polled the deployer stand-in');
});
afterAll(async () => {
  await dashboard?.cleanup();
});

const cell = (page: Page, resource: string, env: string) => page.locator(`[data-resource="${resource}"] a[data-env="${env}"]`);
const isSnapshot = (event: StreamEvent): event is Extract<StatusEvent, { type: 'snapshot' }> => event.type === 'snapshot';

describe('the matrix at 10,000 resources × 4 environments', () => {
  it('gets the first rows in the first event and the rest in parts of at most 500 resources, with their reports', async () => {
    const stream = readEventStream(dashboard.url, dashboard.tokens.viewer, `?first=${FIRST}`);
    try {
      const head = (await stream.waitFor((e) => e.event.type === 'snapshot')).event;
      if (!isSnapshot(head)) throw new Error('expected a snapshot');
      expect(head.status.resources).toHaveLength(FIRST);
      expect(head.rest).toEqual({ parts: Math.ceil((SIZE - FIRST) / 500), resources: SIZE - FIRST });
      await stream.waitFor((e) => e.id !== undefined);
      const parts = stream.events.filter((e) => e.event.type === 'part');
      expect(parts).toHaveLength(head.rest!.parts);
      const names = [...head.status.resources, ...parts.flatMap((e) => (e.event.type === 'part' ? e.event.part.resources : []))].map((r) => r.name);
      expect(names).toEqual(Array.from({ length: SIZE }, (_, i) => bigResourceName(i)).sort());
      for (const { event } of parts) {
        if (event.type !== 'part') continue;
        expect(event.part.resources.length).toBeLessThanOrEqual(500);
        // Each part carries the deployer's reports of its own resources: 3 deployed environments each.
        expect(Object.values(event.part.reports).flat().length).toBe(event.part.resources.length * 3);
      }
      // No single event is a document of megabytes: the whole status is, which is why it comes in parts.
      expect(Math.max(...stream.events.map((e) => e.bytes))).toBeLessThan(512 * 1024);
    } finally {
      stream.close();
    }
  });

  it('shows the first rows, then every row as the parts arrive, with the states the deployer reports for them', async () => {
    const page = await dashboard.open({ role: 'viewer' });
    await cell(page, bigResourceName(0), 'latest').waitFor();
    await page.getByTestId('matrix-count').filter({ hasText: `${SIZE} of ${SIZE} resources` }).waitFor({ timeout: 60_000 });
    expect(await page.locator('[role="table"]').getAttribute('aria-rowcount')).toBe(String(SIZE + 20 + 1));
    // The last row (team-19's last resource) came in a later part; the deployer's report of it came along: rolling out.
    await page.evaluate(`(() => { const table = document.querySelector('[role="table"]'); table.scrollTop = table.scrollHeight; })()`);
    const last = bigResourceName(9_999);
    await cell(page, last, 'dev').waitFor();
    expect(await cell(page, last, 'dev').getAttribute('data-status')).toBe('progress');
    // Only the visible rows exist in the DOM.
    expect(await page.locator('[data-resource]').count()).toBeLessThan(100);
  });

  it('applies a pushed version as a delta of one resource, which changes that one cell of the open page', async () => {
    const page = await dashboard.open({ role: 'viewer' });
    const target = bigResourceName(0);
    await page.getByTestId('matrix-count').filter({ hasText: `${SIZE} of ${SIZE} resources` }).waitFor({ timeout: 60_000 });
    const versions = () => page.locator(`[data-resource="${target}"] a[data-env] .version`).evaluateAll((spans) => spans.map((span) => span.textContent));
    const before = await versions();
    const stream = readEventStream(dashboard.url, dashboard.tokens.viewer, '?first=1');
    try {
      await stream.waitFor((e) => e.id !== undefined);
      const pushed = await dashboard.call('POST', '/api/v1/versions', { role: 'ci', body: { resource: target, version: '9.9.9' } });
      expect(pushed.status).toBe(201);
      const { commit } = (await pushed.json()) as { commit: string };
      const delta = (await stream.waitFor((e) => e.event.type === 'delta' && e.event.delta.commit === commit)).event;
      if (delta.type !== 'delta') throw new Error('expected a delta');
      expect(delta.delta.resources?.upsert.map((r) => r.name)).toEqual([target]);
      expect(delta.delta.resources?.remove).toEqual([]);
      expect(delta.delta.deployer).toBeUndefined();
      await cell(page, target, 'latest').filter({ hasText: '9.9.9' }).waitFor();
      const after = await versions();
      expect(after).toEqual(['9.9.9', ...before.slice(1)]);
      expect(await page.getByTestId('matrix-count').textContent()).toContain(`${SIZE} of ${SIZE} resources`);
    } finally {
      stream.close();
    }
  });

  it('shows a phone a page of resource cards at a time, never all of them', async () => {
    const page = await dashboard.open({ role: 'viewer', viewport: { width: 390, height: 844 } });
    await page.getByTestId('matrix-count').filter({ hasText: `${SIZE} of ${SIZE} resources` }).waitFor({ timeout: 60_000 });
    const pageOf = page.getByTestId('phone-page');
    // 10,000 resources and their 20 folder headings, 30 to a page.
    expect(await pageOf.textContent()).toBe(`Page 1 of ${Math.ceil((SIZE + 20) / 30)}`);
    const shown = () => page.locator('[data-resource]').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('data-resource')));
    const first = await shown();
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThanOrEqual(30);
    await page.getByRole('button', { name: 'Next' }).click();
    await pageOf.filter({ hasText: 'Page 2 of' }).waitFor();
    const second = await shown();
    expect(second.length).toBeLessThanOrEqual(30);
    expect(second.some((name) => first.includes(name))).toBe(false);
    // Every environment of every card on the page is there, each on a line of its own.
    expect(await page.locator('[data-resource] a[data-env]').count()).toBe(second.length * 4);
  });
});
