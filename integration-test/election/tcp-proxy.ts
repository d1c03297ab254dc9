// A TCP proxy in front of the API server that a test can cut, as a network partition would.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/** A running proxy: its kubeconfig points at it; cut() drops every connection and refuses new ones. */
export interface CuttableProxy {
  kc: KubeConfig;
  cut(): Promise<void>;
}

/** Starts a proxy to the API server of `kc` and returns a kubeconfig that goes through it. */
export async function proxyTo(kc: KubeConfig): Promise<CuttableProxy> {
  const cluster = kc.getCurrentCluster()!;
  const upstream = new URL(cluster.server);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const backend = connect(Number(upstream.port || 443), upstream.hostname);
    for (const socket of [client, backend]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(backend).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const proxied = new KubeConfig();
  proxied.loadFromOptions({
    clusters: [{ ...cluster, server: `https://127.0.0.1:${port}` }],
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return {
    kc: proxied,
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
