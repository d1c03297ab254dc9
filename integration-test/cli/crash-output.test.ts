// A service process started by the CLI that dies of an error nobody caught: its report must not show what the
// deployer decrypted. `cascade deployer` and `cascade up` run for real against the cluster, decrypt a SOPS Secret and
// apply it; then an error quoting the value is thrown (or rejected) in that same process.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { encryptSopsYaml, generateAgeIdentity, SCRUBBED } from '@cascade/common/secrets';
import { CASCADE_BIN, freePort } from '../e2e/harness.ts';
import { deployersYaml } from '../deployer/harness.ts';
import { useTestNamespace } from '../setup/namespace.ts';
import { useCliWorkspace } from './workspace.ts';

const ns = useTestNamespace({ prefix: 'crash' });
const workspace = useCliWorkspace('cascade-crash-');
// The CLI's own entry, with the crash handlers bin/cascade.js installs; run from the checkout, where tsx resolves.
const CLI_MAIN = pathToFileURL(join(CASCADE_BIN, '..', '..', 'src', 'main.ts')).href;
const CHECKOUT = join(CASCADE_BIN, '..', '..', '..');

/**
 * Runs `cascade ARGS` in a process that, once the deployer reports ENV clean (so the Secret was decrypted and
 * applied), throws or rejects an error quoting CANARY. Resolves with the exit code and stderr.
 */
function crashAfterDeploy(args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const script = `
    const { mainProcess } = await import(${JSON.stringify(CLI_MAIN)});
    const clean = async () => {
      for (;;) {
        const status = await fetch(process.env.DEPLOYER_URL + '/status').then((r) => r.json(), () => undefined);
        if (status?.environments?.some((e) => e.env === process.env.ENV && e.state === 'Clean')) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    };
    const failure = () => new Error('connection to db failed: password ' + process.env.CANARY + ' rejected');
    void clean().then(() => {
      if (process.env.HOW === 'throw') setTimeout(() => { throw failure(); }, 0);
      else void Promise.reject(failure());
    });
    process.exitCode = await mainProcess(${JSON.stringify(args)});
  `;
  return new Promise((resolve, reject) => {
    // The canary reaches the process through its environment, never its command line.
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: CHECKOUT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // A process that never crashes must fail the test, not stall it.
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

/** A repo with one SOPS-encrypted Secret holding `canary`, and a cascade.yaml naming the identity that opens it. */
async function secretWorkspace(canary: string, services: string): Promise<string> {
  const env = ns.namespace;
  const key = await generateAgeIdentity(new Date());
  const file = `${env}/deployable/db.yaml`;
  const db = await encryptSopsYaml(`apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${canary}\n`, { file, recipients: [key.recipient], rule: { field: 'encrypted_regex', value: '^(data|stringData)$' }, now: new Date() });
  const { dir } = await workspace(
    { 'deployers.yaml': deployersYaml(env, ns.namespace), [file]: db },
    (fixture) => `repo: { url: ${fixture.remote}, branch: ${fixture.branch}, pollInterval: 1s }
targets:
  local: { type: kubernetes, kubeconfig: ${inject('kubeconfig')} }
${services}
secrets: { ageIdentityFile: age.key }
log: { level: debug }
`,
  );
  await writeFile(join(dir, 'age.key'), key.identityFile, { mode: 0o600 });
  return dir;
}

/** The Secret's value on the cluster: proof that the crashing process had decrypted it. */
async function secretOnCluster(): Promise<string | undefined> {
  const secret = await ns.kc.makeApiClient(CoreV1Api).readNamespacedSecret({ name: 'db', namespace: ns.namespace });
  const value = secret.data?.['password'];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

describe('crash output of service processes', () => {
  it('cascade deployer: an uncaught exception quoting a decrypted value prints it scrubbed and exits 1', async () => {
    const canary = `crashcanary${Date.now().toString(36)}d`;
    const port = await freePort();
    const dir = await secretWorkspace(canary, `deployer: { listen: 127.0.0.1:${port} }`);
    const crashed = await crashAfterDeploy(['deployer', '--config', join(dir, 'cascade.yaml')], { CANARY: canary, DEPLOYER_URL: `http://127.0.0.1:${port}`, ENV: ns.namespace, HOW: 'throw' });
    expect(crashed.code, crashed.stderr).toBe(1);
    expect(await secretOnCluster()).toBe(canary);
    expect(crashed.stderr).toContain(`uncaught exception: Error: connection to db failed: password ${SCRUBBED} rejected`);
    expect([crashed.stderr.includes(canary), crashed.stderr.includes(Buffer.from(canary).toString('base64'))]).toEqual([false, false]);
  });

  it('cascade up: an unhandled rejection quoting a decrypted value prints it scrubbed and exits 1', async () => {
    const canary = `crashcanary${Date.now().toString(36)}u`;
    const [deployer, transitioner, aggregator] = [await freePort(), await freePort(), await freePort()];
    const services = `deployer: { listen: 127.0.0.1:${deployer} }\ntransitioner: { listen: 127.0.0.1:${transitioner} }\naggregator: { listen: 127.0.0.1:${aggregator} }`;
    const dir = await secretWorkspace(canary, services);
    const crashed = await crashAfterDeploy(['up', '--config', join(dir, 'cascade.yaml')], { CANARY: canary, DEPLOYER_URL: `http://127.0.0.1:${deployer}`, ENV: ns.namespace, HOW: 'reject' });
    expect(crashed.code, crashed.stderr).toBe(1);
    expect(await secretOnCluster()).toBe(canary);
    expect(crashed.stderr).toContain(`unhandled rejection: Error: connection to db failed: password ${SCRUBBED} rejected`);
    expect([crashed.stderr.includes(canary), crashed.stderr.includes(Buffer.from(canary).toString('base64'))]).toEqual([false, false]);
  });
});
