// Calls between services: the global fetch against the pooled undici client (pooledFetch), side by side in one run,
// against a peer in a child process so that only the caller's CPU is counted. Reports CPU and wall time per call.
// Run: npm run bench -- peer-fetch
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { pooledFetch, type PeerFetch } from '../src/service/http/pooled-fetch.ts';

const CALLS = 2000;
const ROUNDS = 3;

// The peer: answers POST /refresh with 202 and GET /status with a small JSON body, as the services do.
const PEER = `
const http = require('node:http');
const body = JSON.stringify({ commit: 'c1', environments: Array.from({ length: 20 }, (_, i) => ({ env: 'env-' + i, state: 'Clean' })) });
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST') { res.writeHead(202, { 'content-type': 'application/json' }); res.end('{"ok":true}'); }
    else { res.writeHead(200, { 'content-type': 'application/json', etag: '"t1"' }); res.end(body); }
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

/** Mean CPU of this process and wall time per call of `CALLS` sequential calls. */
async function perCall(client: PeerFetch, url: string, method: string): Promise<{ cpuMs: number; wallMs: number }> {
  const cpu = process.cpuUsage();
  const from = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const answer = await client(url, { method, signal: AbortSignal.timeout(5000), headers: { accept: 'application/json' } });
    await answer.text();
    if (!answer.ok) throw new Error(`${method} ${url} answered ${answer.status}`);
  }
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000 / CALLS, wallMs: (performance.now() - from) / CALLS };
}

const peer = spawn(process.execPath, ['-e', PEER], { stdio: ['ignore', 'pipe', 'inherit'] });
try {
  const [line] = (await once(peer.stdout, 'data')) as [Buffer];
  const base = `http://127.0.0.1:${line.toString().trim()}`;
  const clients: Array<[string, PeerFetch]> = [['global fetch', fetch], ['pooled undici', pooledFetch]];
  // Warm both up first, so neither pays for loading its code in the measured rounds.
  for (const [, client] of clients) await perCall(client, `${base}/status`, 'GET');
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [what, method, path] of [['refresh notification', 'POST', '/refresh?changed=status'], ['peer status', 'GET', '/status']] as const) {
      const [slow, fast] = [await perCall(clients[0]![1], `${base}${path}`, method), await perCall(clients[1]![1], `${base}${path}`, method)];
      console.log(`round ${round} ${what.padEnd(20)} global fetch ${slow.cpuMs.toFixed(3)} ms CPU ${slow.wallMs.toFixed(3)} ms wall   pooled undici ${fast.cpuMs.toFixed(3)} ms CPU ${fast.wallMs.toFixed(3)} ms wall   CPU ratio ${(slow.cpuMs / fast.cpuMs).toFixed(1)}x`);
    }
  }
} finally {
  peer.kill();
}
