// A TCP proxy in front of the API server that a test can cut (drop every connection, refuse new ones) and restore.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';

/** A TCP proxy in front of the API server that can drop every connection and refuse new ones, as a restart would. */
export interface TcpProxy {
  /** The kubeconfig `kc` pointed at the proxy (TLS passes through; the server's certificate names 127.0.0.1). */
  kubeConfig: KubeConfig;
  /** Connections refused since `refuse()`. */
  readonly refused: number;
  /** Destroys every open connection and from now on closes new ones at once. */
  refuse(): void;
  /** Forwards new connections again. */
  accept(): void;
  close(): Promise<void>;
}

/** Starts a proxy to the API server of `kc`. */
export async function startTcpProxy(kc: KubeConfig): Promise<TcpProxy> {
  const upstream = new URL(kc.getCurrentCluster()!.server);
  const open = new Set<Socket>();
  let refusing = false;
  let refused = 0;
  const server: Server = createServer((client) => {
    if (refusing) {
      refused++;
      client.destroy();
      return;
    }
    const remote = connect(Number(upstream.port || 443), upstream.hostname);
    for (const socket of [client, remote]) {
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(remote).pipe(client);
    client.on('close', () => remote.destroy());
    remote.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const proxied = new KubeConfig();
  proxied.loadFromOptions({
    clusters: kc.clusters.map((c) => (c.name === kc.getCurrentCluster()!.name ? { ...c, server: `https://127.0.0.1:${port}` } : c)),
    users: kc.users, contexts: kc.contexts, currentContext: kc.currentContext,
  });
  return {
    kubeConfig: proxied,
    get refused() {
      return refused;
    },
    refuse() {
      refusing = true;
      refused = 0;
      for (const socket of open) socket.destroy();
    },
    accept() {
      refusing = false;
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
