// Kubernetes clients a test file opens, each closed after its test (their keep-alive pools would outlive it).
import type { KubeConfig } from '@kubernetes/client-node';
import { afterEach } from 'vitest';
import { CascadeObjectApi } from '@cascade/deployer';

/** Registers a hook closing every client the returned function opened; call it at the top of a test file. */
export function useClosingClients(): (kc: KubeConfig) => CascadeObjectApi {
  const clients: CascadeObjectApi[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
  });
  return (kc) => {
    const client = CascadeObjectApi.forConfig(kc);
    clients.push(client);
    return client;
  };
}
