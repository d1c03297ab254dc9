// `cascade aggregator --config FILE` as a real process: it serves the API from the config and stops cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { createFixture } from '@cascade/git-fixture';
import { generateToken, hashToken } from '@cascade/common/service';

const bin = fileURLToPath(new URL('../../bin/cascade.js', import.meta.url));
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

it('runs from a config file, answers the API, and exits 0 on SIGTERM', async () => {
  const fx = await createFixture({ commits: [{ name: 'initial', files: { 'latest/base/app.yaml': 'kind: ConfigMap\n', 'latest/version/app.yaml': 'version: "1"\n' } }] });
  cleanups.push(() => fx.cleanup());
  const dir = await mkdtemp(join(tmpdir(), 'cascade-aggregator-cmd-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const token = generateToken();
  const config = join(dir, 'cascade.yaml');
  await writeFile(config, `repo: { url: ${JSON.stringify(fx.remote)} }\naggregator:\n  listen: 127.0.0.1:0\n  tokens: [ { name: reader, role: viewer, sha256: ${hashToken(token)} } ]\n`);
  const child = spawn(process.execPath, [bin, 'aggregator', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // The log line is JSON; its fields come in no particular order.
      const listening = stderr.split('\n').flatMap((line) => (line.startsWith('{') && line.endsWith('}') ? [JSON.parse(line) as { msg?: string; url?: string }] : [])).find((line) => line.msg === 'listening');
      if (listening?.url) resolve(listening.url);
    });
    child.on('close', () => reject(new Error(`exited early: ${stderr}`)));
  });
  try {
    const status = await fetch(`${url}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } });
    expect(status.status).toBe(200);
    expect(((await status.json()) as { resources: Array<{ name: string }> }).resources.map((r) => r.name)).toEqual(['app']);
    expect((await fetch(`${url}/api/v1/status`)).status).toBe(401);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(stderr).not.toContain(token);
});
