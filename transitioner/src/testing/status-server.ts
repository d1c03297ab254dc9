// A deployer status endpoint serving whatever value it is given: the input of service tests and benchmarks.
import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import type { DeployerStatus, RolloutState } from '@cascade/common';
import { serve, type ServerHandle } from '@cascade/common/service';

/** A running status endpoint. */
export interface StatusServer {
  url: string;
  /** Replaces the status served from now on. */
  set(status: DeployerStatus): void;
  /** Makes the next requests wait until `release()` is called (a slow or hanging deployer). */
  hold(): void;
  release(): void;
  /** Number of status requests answered or waiting so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/** A status with each named environment in a state, deployed from `commit`. */
export function statusOf(commit: string, states: Record<string, RolloutState>): DeployerStatus {
  return {
    commit,
    environments: Object.entries(states).map(([env, state]) => ({ env, target: 'local', commit, state, resources: [{ name: 'shop/cart', state, errors: [] }] })),
  };
}

const tagOf = (text: string) => `"${createHash('sha1').update(text).digest('base64url')}"`;

/** Serves `GET /status` on a free loopback port. */
export async function startStatusServer(initial: DeployerStatus = { environments: [] }): Promise<StatusServer> {
  let status = initial;
  let requests = 0;
  let held: Promise<void> | undefined;
  let releaseHeld = () => {};
  const app = new Hono();
  // As the deployer does: the answer carries an entity tag, and an unchanged status answers 304 to it.
  let text = JSON.stringify(status);
  let etag = tagOf(text);
  app.get('/status', async (c) => {
    requests += 1;
    if (held) await held;
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, { etag });
    return c.body(text, 200, { 'content-type': 'application/json', etag });
  });
  const server: ServerHandle = await serve(app, '127.0.0.1:0');
  return {
    url: server.url,
    set(next) {
      status = next;
      text = JSON.stringify(status);
      etag = tagOf(text);
    },
    hold() {
      held ??= new Promise((resolve) => (releaseHeld = resolve));
    },
    release() {
      releaseHeld();
      held = undefined;
    },
    get requests() {
      return requests;
    },
    close: () => server.close(),
  };
}
