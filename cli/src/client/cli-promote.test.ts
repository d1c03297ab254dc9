// `cascade promote` end to end against a real aggregator and a stand-in transitioner: words, not JSON, and exit 1 when
// a lock or a precondition kept the promotion back.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarness, type Harness } from '@cascade/aggregator/testing';
import { main } from '../main.ts';
import type { Io } from '../output.ts';

let h: Harness;
let transitioner: Server;
beforeAll(async () => {
  // `dev` is blocked by its source's rollout, `prod` promotes.
  transitioner = createServer((request, response) => {
    const answer =
      request.url === '/transitions/dev/run'
        ? { kind: 'Blocked', message: 'waiting for latest to finish rolling out: shop/cart (NotAllUpdated 1/3)' }
        : request.url === '/transitions/prod/run'
          ? { kind: 'Success', commit: 'abcdef0123456789', promoted: [{ name: 'shop/cart', change: 'changed', from: '0.9.0', to: '1.0.0' }] }
          : { transitions: [] };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => transitioner.listen(0, '127.0.0.1', resolve));
  h = await startHarness({ transitionerUrl: `http://127.0.0.1:${(transitioner.address() as AddressInfo).port}` });
  process.env['CASCADE_URL'] = h.aggregator.url;
  process.env['CASCADE_TOKEN'] = h.tokens.operator;
});
afterAll(async () => {
  delete process.env['CASCADE_URL'];
  delete process.env['CASCADE_TOKEN'];
  await h.cleanup();
  transitioner.closeAllConnections();
  await new Promise((resolve) => transitioner.close(resolve));
});

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t) };
  const exitCode = await main(args, io);
  return { exitCode, stdout: out.join('\n'), stderr: err.join('\n') };
}

it('prints what was promoted in words and exits 0', async () => {
  const result = await run('promote', 'prod');
  expect(result).toMatchObject({ exitCode: 0, stdout: 'promoted dev → prod: commit abcdef0\n  shop/cart 0.9.0 → 1.0.0' });
});

it('says why a blocked promotion did not happen, with the WAITING / WHY of the transition, and exits 1', async () => {
  const result = await run('promote', 'dev');
  expect(result.exitCode).toBe(1);
  expect(result.stdout).toContain('not promoted yet: waiting for latest to finish rolling out: shop/cart (updating: 1 of 3 pods on the new version)');
  expect(result.stdout).toMatch(/INTO\s+FROM\s+WAITING\s+WHY\ndev\s+latest/);
  expect(result.stdout).not.toContain('{');
});
