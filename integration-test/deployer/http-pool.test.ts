// The deployer's Kubernetes client on a real API server: requests share a bounded keep-alive pool, per-request auth
// still comes from the kubeconfig, and answers keep their meaning (404, refusals with the server's message).
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { classifyKubeError } from '@cascade/deployer/kubernetes';
import { useClosingClients } from '../setup/clients.ts';
import { useTestNamespace } from '../setup/namespace.ts';

const ns = useTestNamespace({ prefix: 'pool' });
const clientFor = useClosingClients();

/** Runs `count` calls of `call`, at most `inFlight` at a time. */
async function inParallel(count: number, inFlight: number, call: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await call(next++);
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

const configMap = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { a: 'b' } });

describe('the Kubernetes client transport', () => {
  it('sends 200 requests, 50 at a time, over no more connections than the pool holds, and one after the other over one or two', async () => {
    const client = clientFor(ns.kc);
    const pool = client.transport!;
    await client.apply(configMap('settings', ns.namespace));
    await inParallel(200, 50, () => client.readObject({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: ns.namespace }));
    expect(pool.peakConnections).toBeGreaterThanOrEqual(1);
    expect(pool.peakConnections).toBeLessThanOrEqual(pool.connections);
    // Far fewer connections than requests: they are kept and reused.
    expect(pool.connectionsOpened).toBeLessThan(50);

    const sequential = clientFor(ns.kc);
    for (let i = 0; i < 50; i++) await sequential.readObject({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: ns.namespace });
    // undici reuses a socket one event-loop turn after its response, so a request sent at once may open a second one.
    expect(sequential.transport!.connectionsOpened).toBeLessThanOrEqual(2);
  });

  it('shares the pool with impersonating clients, which still act as their user', async () => {
    const client = clientFor(ns.kc);
    const user = `system:serviceaccount:${ns.namespace}:nobody`;
    const asNobody = client.impersonating(user);
    expect(asNobody.transport).toBe(client.transport);
    await client.apply(configMap('settings', ns.namespace));
    const refusal = await asNobody.readObject({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: ns.namespace }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiException);
    expect(classifyKubeError(refusal)).toMatchObject({ kind: 'rejected', status: 403, code: 'forbidden', message: expect.stringContaining(user) });
    expect(client.transport!.connectionsOpened).toBeLessThanOrEqual(2);
  });

  it('keeps answers meaning what they meant: a missing object, an invalid one with the server message', async () => {
    const client = clientFor(ns.kc);
    expect(await client.readObject({ apiVersion: 'v1', kind: 'ConfigMap', name: 'absent', namespace: ns.namespace })).toBeUndefined();
    const invalid = await client.apply({ ...configMap('bad', ns.namespace), datta: { a: 'b' } }).catch((error: unknown) => error);
    expect(classifyKubeError(invalid)).toMatchObject({ kind: 'rejected', code: 'invalid-object', message: expect.stringContaining('datta') });
  });

  it('takes auth headers from the kubeconfig on every request, so a changed credential is used at once', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(ns.kc.exportConfig());
    const client = clientFor(kc);
    await client.apply(configMap('settings', ns.namespace));
    // The kubeconfig's `as` is one of the headers the library puts on each request, like a refreshed bearer token.
    const user = `system:serviceaccount:${ns.namespace}:nobody`;
    const current = kc.getCurrentUser()!;
    kc.users = kc.users.map((u) => (u.name === current.name ? { ...u, impersonateUser: user } : u));
    const refusal = await client.readObject({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: ns.namespace }).catch((error: unknown) => error);
    expect(classifyKubeError(refusal)).toMatchObject({ status: 403, message: expect.stringContaining(user) });
  });

  it('opens a new pool after close, for requests made later', async () => {
    const client = clientFor(ns.kc);
    await client.apply(configMap('settings', ns.namespace));
    await client.close();
    const before = client.transport!.connectionsOpened;
    expect(await client.readObject({ apiVersion: 'v1', kind: 'ConfigMap', name: 'settings', namespace: ns.namespace })).toMatchObject({ data: { a: 'b' } });
    expect(client.transport!.connectionsOpened).toBe(before + 1);
  });
});
