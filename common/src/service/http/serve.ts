// Binding an app to a socket: the only place a service touches the network listener.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve as serveNode } from '@hono/node-server';
import { isLoopbackHost, parseListen } from './listen.ts';
import type { Logger } from '../logger/logger.ts';

/** A listening server. */
export interface ServerHandle {
  /** The bound host as given. */
  host: string;
  /** The bound port (the OS-chosen one when listening on port 0). */
  port: number;
  /** Base URL, e.g. `http://127.0.0.1:7400`. */
  url: string;
  /** Stops accepting connections, closes open ones (event streams included) and resolves when the server is down. */
  close(): Promise<void>;
}

/** Starts serving `app` on `listen` (`host:port`, port 0 for any free port); rejects if the address cannot be bound. */
export async function serve(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  listen: string,
  logger?: Logger,
): Promise<ServerHandle> {
  const address = parseListen(listen);
  if ('error' in address) throw new TypeError(`listen address: ${address.error}`);
  const server = await new Promise<Server>((resolve, reject) => {
    const created = serveNode({ fetch: app.fetch, hostname: address.host, port: address.port }) as Server;
    created.once('error', reject);
    created.once('listening', () => {
      created.off('error', reject);
      resolve(created);
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = address.host.includes(':') ? `[${address.host}]` : address.host;
  const url = `http://${hostInUrl}:${port}`;
  if (!isLoopbackHost(address.host)) logger?.warn('listening on a non-loopback address', { url });
  logger?.info('listening', { url });
  return {
    host: address.host,
    port,
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
