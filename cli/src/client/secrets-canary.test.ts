// A secret pushed with `cascade push --secret` against a real aggregator (socket, bare remote) appears nowhere in plain
// text: not in the logs at debug level, the status for any role, the history, the live events or the commits; and
// the version file it lands in opens with the real `sops -d`.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Role } from '@cascade/common/service';
import { ROLES } from '@cascade/common/service';
import { sopsCli, TOOLS_BUILD_TIMEOUT_MS } from '@cascade/common/secrets/testing';
import type { GeneratedKey, SopsCli } from '@cascade/common/secrets/testing';
import { SHOP_FIXTURE, startHarness, type Harness } from '@cascade/aggregator/testing';
import { main } from '../main.ts';
import type { Io } from '../output.ts';

const CANARY = 'sk_live_canary_3f9a7c2e51';
const FILE = 'latest/version/shop/cart.yaml';

let h: Harness;
let sops: SopsCli;
let key: GeneratedKey;

beforeAll(async () => {
  sops = await sopsCli();
  key = await sops.keygen();
  const [first, ...rest] = SHOP_FIXTURE.commits;
  const sopsYaml = `creation_rules:\n  - path_regex: /version/\n    age: ${key.recipient}\n`;
  h = await startHarness({ fixture: { commits: [{ ...first!, files: { ...first!.files, '.sops.yaml': sopsYaml } }, ...rest] } });
  process.env['CASCADE_URL'] = h.aggregator.url;
}, TOOLS_BUILD_TIMEOUT_MS);
afterAll(async () => {
  delete process.env['CASCADE_URL'];
  delete process.env['CASCADE_TOKEN'];
  await h?.cleanup();
});

async function run(role: Role, ...args: string[]) {
  process.env['CASCADE_TOKEN'] = h.tokens[role];
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t) };
  const exitCode = await main(args, io);
  return { exitCode, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** What an event stream sent until the delta of `commit` arrived. */
async function streamUntil(res: Response, commit: string): Promise<string> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!(text.includes(`"commit":"${commit}"`) && text.endsWith('\n\n'))) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

describe('a secret pushed through the CLI', () => {
  it('refuses a value on the command line without repeating it', async () => {
    const result = await run('ci', 'push', 'shop/cart', '2.0.0', '--secret', `API_KEY=${CANARY}`);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('API_KEY=@file');
    expect(result.stderr + result.stdout).not.toContain(CANARY);
  });

  it('leaves no plaintext in logs, status, history, events or commits, and sops -d opens the file', async () => {
    const streams = await Promise.all(ROLES.map((role) => h.call('GET', '/api/v1/events', { role })));
    const secretFile = join(h.fx.dir, 'api.key');
    await writeFile(secretFile, CANARY, { mode: 0o600 });
    const pushed = await run('ci', 'push', 'shop/cart', '2.0.0', '--set', 'image=registry/cart:2.0.0', '--secret', `API_KEY=@${secretFile}`, '-o', 'json');
    expect(pushed.exitCode).toBe(0);
    expect(pushed.stdout).not.toContain(CANARY);
    const { commit } = JSON.parse(pushed.stdout) as { commit: string };
    await h.aggregator.refresh();

    const seen: Array<[string, string]> = [['logs', h.logs()]];
    for (const [index, role] of ROLES.entries()) {
      seen.push([`status as ${role}`, await (await h.call('GET', '/api/v1/status', { role })).text()]);
      seen.push([`history as ${role}`, await (await h.call('GET', '/api/v1/history?resource=shop/cart', { role })).text()]);
      seen.push([`events as ${role}`, await streamUntil(streams[index]!, commit)]);
    }
    seen.push(['commits', await h.fx.git('log', '--format=%H%n%an <%ae>%n%B%n%(trailers)', 'main')]);
    seen.push(['logs after reads', h.logs()]);
    expect(seen.filter(([, text]) => text.includes(CANARY)).map(([where]) => where)).toEqual([]);
    // Each place was really looked at: the status lists the secret, the events carried the push.
    expect(seen.find(([where]) => where === 'status as viewer')?.[1]).toContain('"key":"secrets.API_KEY"');
    expect(seen.find(([where]) => where === 'events as admin')?.[1]).toContain(commit);

    const text = (await h.fx.readFile('main', FILE)) as string;
    expect(text).not.toContain(CANARY);
    expect(parse(await sops.decrypt(text, key.identityFile))).toMatchObject({ version: '2.0.0', image: 'registry/cart:2.0.0', secrets: { API_KEY: CANARY } });
  });
});
