// Stand-ins for the deployer's and the transitioner's `GET /status`, so the dashboard shows every rollout state
// without a cluster. They answer over real HTTP in the deployer's wire format; the aggregator polls them as usual.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DeployerStatus, EnvironmentStatus, ResourceStatus } from '@cascade/common';

/** A running status server. */
export interface PeerStub {
  url: string;
  close(): Promise<void>;
}

/** Answers a path other than `/status` with a JSON body, or undefined for 404. */
export type PeerRoutes = (path: string) => unknown;

/** Serves `body()` as JSON at `/status` on 127.0.0.1, and whatever `routes` answers for other paths. */
export async function startPeerStub(body: () => unknown, routes: PeerRoutes = () => undefined): Promise<PeerStub> {
  const server: Server = createServer((request, response) => {
    const answer = request.url === '/status' ? body() : routes(request.url ?? '');
    if (answer === undefined) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

/** What the deployer would report for the example repo: dev still rolling out shop/cart, payments failing in pp. */
export function exampleDeployerStatus(files: Record<string, string>): DeployerStatus {
  const environments = ['dev', 'pp', 'prod'].map((env): EnvironmentStatus => {
    const resources = Object.keys(files)
      .map((path) => new RegExp(`^${env}/(version|deployable)/(.+)\\.ya?ml$`).exec(path))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match): ResourceStatus => {
        const name = match[2]!;
        const version = /version:\s*"?([^"\n]+)"?/.exec(files[match[0]]!)?.[1];
        return { name, state: 'Clean', ...(match[1] === 'version' && version ? { version, liveVersion: version } : {}), errors: [] };
      });
    for (const resource of resources) {
      if (env === 'dev' && resource.name === 'shop/cart') Object.assign(resource, { state: 'InProgress', reason: 'NotAllUpdated 1/2', liveVersion: '1.4.1' });
      if (env === 'pp' && resource.name === 'payments') {
        Object.assign(resource, {
          state: 'Failed',
          reason: 'ProgressDeadlineExceeded',
          errors: [{ code: 'rollout-failed', file: 'pp/base/payments.yaml', message: 'Deployment payments: ReplicaSet "payments-7d9c" has timed out progressing', object: 'Deployment shop-pp/payments' }],
        });
      }
    }
    const state = resources.some((r) => r.state === 'Failed') ? 'Failed' : resources.some((r) => r.state === 'InProgress') ? 'InProgress' : 'Clean';
    return { env, target: 'local', state, resources };
  });
  return { environments };
}

/**
 * What the transitioner would report for the example repo: pp waits for dev's rollout, prod for its window and its
 * soak; an environment `envLocks` names is reported locked with its reasons, as the transitioner reads `locks.yaml`.
 */
export function exampleTransitionerStatus({ since, until, nextRun, envLocks = {} }: { since: string; until: string; nextRun: string; envLocks?: Readonly<Record<string, string[]>> }): unknown {
  const report = {
    transitions: [
      { name: 'dev', source: 'latest', target: 'dev', outlook: { at: since, conditions: [{ kind: 'NotLocked', met: true }], pending: [], held: [] } },
      {
        name: 'pp',
        source: 'dev',
        target: 'pp',
        outlook: {
          at: since,
          conditions: [{ kind: 'NotLocked', met: true }, { kind: 'SourceClean', met: false, message: 'waiting for dev to finish rolling out: shop/cart (NotAllUpdated 1/2)' }],
          pending: [{ name: 'shop/cart', change: 'changed', from: '1.4.1', to: '1.4.2' }],
          held: [],
        },
      },
      {
        name: 'prod',
        source: 'pp',
        target: 'prod',
        outlook: {
          at: since,
          conditions: [
            { kind: 'NotLocked', met: true },
            { kind: 'Schedule', met: false, schedule: '0 6 * * 1-5', timezone: 'Europe/Berlin', nextRun },
            { kind: 'SourceClean', met: true },
            { kind: 'SoakTime', met: false, minutes: 60, since, until },
          ],
          pending: [{ name: 'shop/cart', change: 'changed', from: '1.4.0', to: '1.4.1' }],
          held: [],
        },
      },
    ],
  };
  for (const transition of report.transitions) {
    const reasons = envLocks[transition.target];
    if (reasons === undefined) continue;
    transition.outlook.conditions = transition.outlook.conditions.map((condition) => (condition.kind === 'NotLocked' ? { kind: 'NotLocked', met: false, reasons } : condition));
  }
  return report;
}
