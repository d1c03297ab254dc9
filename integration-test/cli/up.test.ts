// `cascade up`: all three services in one process, ready, and gone after one Ctrl-C (SIGINT).
import { spawn } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { useTestNamespace } from '../setup/namespace.ts';
import { deployersYaml } from '../deployer/harness.ts';
import { waitUntil } from '../setup/wait.ts';
import { CASCADE_BIN, freePort } from '../e2e/harness.ts';
import { useCliWorkspace } from './workspace.ts';

const ns = useTestNamespace({ prefix: 'up' });
const workspace = useCliWorkspace('cascade-up-');

/** True when a GET answers 200. */
async function ok(url: string): Promise<boolean> {
  return fetch(url).then((r) => r.status === 200, () => false);
}

describe('cascade up', () => {
  it('runs the deployer, transitioner and aggregator in one process and stops them all on SIGINT', async () => {
    const env = ns.namespace;
    const [aggregator, deployer, transitioner] = [await freePort(), await freePort(), await freePort()];
    const { dir } = await workspace(
      { 'deployers.yaml': deployersYaml(env, ns.namespace), [`${env}/deployable/settings.yaml`]: 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\n' },
      (fixture) => `repo: { url: ${fixture.remote}, branch: ${fixture.branch}, pollInterval: 1s }
targets:
  local: { type: kubernetes, kubeconfig: ${inject('kubeconfig')} }
deployer: { listen: 127.0.0.1:${deployer} }
transitioner: { listen: 127.0.0.1:${transitioner} }
aggregator: { listen: 127.0.0.1:${aggregator}, anonymousRead: true }
log: { level: error }
`,
    );
    const child = spawn(process.execPath, [CASCADE_BIN, 'up', '--config', 'cascade.yaml'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (const port of [deployer, transitioner, aggregator]) await waitUntil(`service on ${port} ready`, async () => (await ok(`http://127.0.0.1:${port}/readyz`)) || undefined, { timeoutMs: 60_000 });
      await waitUntil('the deployer reports the environment Clean', async () => {
        const status = (await (await fetch(`http://127.0.0.1:${deployer}/status`)).json()) as { environments: Array<{ env: string; state: string }> };
        return status.environments.some((e) => e.env === env && e.state === 'Clean') || undefined;
      }, { timeoutMs: 60_000 });
      // The aggregator shows the deployer's status. Over HTTP it would too: that it is read in the process is shown by
      // the aggregator's and the transitioner's in-process-deployer tests, with the deployer's URL refusing.
      await waitUntil('the aggregator shows the environment Clean', async () => {
        const status = (await (await fetch(`http://127.0.0.1:${aggregator}/api/v1/status`)).json()) as { deployer: { state: string; status?: { environments: Array<{ env: string; state: string }> } } };
        return (status.deployer.state === 'ok' && status.deployer.status?.environments.some((e) => e.env === env && e.state === 'Clean')) || undefined;
      }, { timeoutMs: 60_000 });
      expect(stderr).toContain(`aggregator   http://127.0.0.1:${aggregator}`);
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      for (const port of [deployer, transitioner, aggregator]) expect(await ok(`http://127.0.0.1:${port}/healthz`)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
