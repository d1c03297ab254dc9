// The chart installed into the test cluster: server-side dry runs accept what it renders, kwok makes its Deployments
// Available in a namespace enforcing the restricted Pod Security Standard (the image itself never runs there), and
// RBAC gives each service's ServiceAccount what it needs and nothing more.
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TEST_NAMESPACE_LABEL, useTestNamespace } from '../setup/namespace.ts';
import { waitUntil } from '../setup/wait.ts';
import { FULL_VALUES, HELM_BUILD_TIMEOUT_MS, Helm, SERVICE_MONITOR_CRD, runCommand } from './harness.ts';
import type { CommandOutput } from './harness.ts';

const SERVICES = ['aggregator', 'deployer', 'transitioner'] as const;

let helm: Helm;
beforeAll(async () => {
  helm = await Helm.create();
}, HELM_BUILD_TIMEOUT_MS);
afterAll(() => helm?.dispose());

describe('the chart in the test cluster', () => {
  const release = useTestNamespace({ prefix: 'helm', scope: 'all' });
  const cleanups: Array<() => Promise<unknown>> = [];
  let ns: string;
  let kubectl: (args: string[], input?: string) => Promise<CommandOutput>;

  /** Server-side apply of a rendering, for real or as a dry run; fails with kubectl's message. */
  async function apply(rendered: string, dryRun: boolean): Promise<void> {
    const result = await kubectl(['apply', '--server-side', '--field-manager=helm-test', ...(dryRun ? ['--dry-run=server'] : []), '-f', '-'], rendered);
    expect(result.code, result.stderr).toBe(0);
  }

  /** Whether the ServiceAccount `sa` of the release namespace may `verb` `resource` in `namespace` (`*`: in every namespace). */
  async function can(sa: string, verb: string, resource: string, namespace: string): Promise<boolean> {
    const where = namespace === '*' ? ['--all-namespaces'] : ['-n', namespace];
    const result = await kubectl(['auth', 'can-i', verb, resource, `--as=system:serviceaccount:${ns}:${sa}`, ...where]);
    const answer = result.stdout.trim();
    if (answer !== 'yes' && answer !== 'no') throw new Error(`kubectl auth can-i ${verb} ${resource} as ${sa}: ${result.stderr}`);
    return answer === 'yes';
  }

  /** Asks every question of `expected` (keys `<sa> <verb> <resource> in <namespace>`) and returns the answers, so a failure shows the whole table. */
  async function answers(expected: Record<string, boolean>): Promise<Record<string, boolean>> {
    const entries = await Promise.all(Object.keys(expected).map(async (question) => {
      const [sa, verb, resource, , namespace] = question.split(' ') as [string, string, string, string, string];
      return [question, await can(sa, verb, resource, namespace)] as const;
    }));
    return Object.fromEntries(entries);
  }

  const envNamespaces = () => [`${ns}-dev`, `${ns}-prod`] as const;
  const fullValues = () => ['-f', FULL_VALUES, '--set-json', `deployer.rbac.namespaces=${JSON.stringify(envNamespaces())}`];

  beforeAll(async () => {
    ns = release.namespace;
    const binary = inject('kubectl');
    expect(binary, 'kubectl is built by `npm run cluster:build`').not.toBe('');
    kubectl = (args, input) => runCommand(binary, ['--kubeconfig', inject('kubeconfig'), ...args], input === undefined ? {} : { input });
    const core = release.kc.makeApiClient(CoreV1Api);
    for (const name of [...envNamespaces(), `${ns}-other`]) {
      await core.createNamespace({ body: { metadata: { name, labels: { [TEST_NAMESPACE_LABEL]: 'true' } } } });
      cleanups.push(() => core.deleteNamespace({ name }));
    }
    // Cluster-scoped objects of the releases carry the release namespace in their names.
    cleanups.push(() => kubectl(['delete', 'clusterrole,clusterrolebinding', `${ns}-cascade-deployer`, `${ns}-wide-cascade-deployer`, '--ignore-not-found']));
    // Pods that break the restricted Pod Security Standard are refused, and their Deployment never becomes Available.
    expect((await kubectl(['label', 'namespace', ns, 'pod-security.kubernetes.io/enforce=restricted'])).code).toBe(0);
    // The test cluster has no Prometheus operator; a CRD found here already is someone else's and stays.
    if ((await kubectl(['get', 'crd', 'servicemonitors.monitoring.coreos.com'])).code !== 0) {
      expect((await kubectl(['apply', '--server-side', '-f', SERVICE_MONITOR_CRD])).code).toBe(0);
      cleanups.push(() => kubectl(['delete', 'crd', 'servicemonitors.monitoring.coreos.com', '--wait=false']));
    }
    expect((await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/servicemonitors.monitoring.coreos.com'])).code).toBe(0);
    // The Secrets an operator creates before installing (docs/install.md); the values only name them.
    for (const secret of [
      ['cascade-git-ssh', '--from-literal=identity=not-a-real-key'],
      ['cascade-age', '--from-literal=age-2026.key=not-a-real-identity', '--from-literal=age-2025.key=not-a-real-identity'],
      ['cascade-aggregator-auth', '--from-literal=session.key=not-a-real-session-key-of-32-bytes'],
    ]) {
      expect((await kubectl(['create', 'secret', 'generic', '-n', ns, ...secret])).code).toBe(0);
    }
    await apply(await helm.template('cascade', ns, fullValues()), false);
  });

  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  });

  it('passes server-side dry runs of a new release with the default values and with every feature on', async () => {
    await apply(await helm.template('dry', ns), true);
    await apply(await helm.template('dry', ns, fullValues()), true);
  });

  it('installed with every feature on, its three Deployments become Available', async () => {
    const apps = release.kc.makeApiClient(AppsV1Api);
    for (const service of SERVICES) {
      await waitUntil(`Deployment cascade-${service} to become Available`, async () => {
        const deployment = await apps.readNamespacedDeployment({ name: `cascade-${service}`, namespace: ns });
        const conditions = deployment.status?.conditions ?? [];
        if (conditions.some((c) => c.type === 'Available' && c.status === 'True') && deployment.status?.readyReplicas === deployment.spec?.replicas) return true;
        // Shown when the wait times out: a pod the Pod Security admission refused says so under ReplicaFailure.
        throw new Error(JSON.stringify(conditions.map((c) => `${c.type}=${c.status} ${c.reason ?? ''} ${c.message ?? ''}`)));
      }, { timeoutMs: 120_000 });
    }
  });

  it('lets the deployer change workloads and secrets in its namespaces and hold Leases, and nothing more', async () => {
    const [dev, prod] = envNamespaces();
    const other = `${ns}-other`;
    const expected: Record<string, boolean> = {};
    const ask = (verb: string, resource: string, namespace: string, answer: boolean) => {
      expected[`cascade-deployer ${verb} ${resource} in ${namespace}`] = answer;
    };
    for (const namespace of [dev, prod]) {
      for (const resource of ['deployments.apps', 'services', 'configmaps', 'secrets']) {
        for (const verb of ['create', 'patch', 'delete']) ask(verb, resource, namespace, true);
      }
      ask('get', `namespaces/${namespace}`, namespace, true);
      ask('create', 'servicemonitors.monitoring.coreos.com', namespace, true);
      ask('update', 'leases.coordination.k8s.io', namespace, false);
    }
    for (const verb of ['get', 'create', 'update']) ask(verb, 'leases.coordination.k8s.io', ns, true);
    for (const resource of ['deployments.apps', 'configmaps', 'secrets']) ask('create', resource, other, false);
    ask('get', 'secrets', other, false);
    ask('get', 'secrets', ns, false);
    ask('list', 'secrets', '*', false);
    ask('create', 'namespaces', '*', false);
    ask('list', 'customresourcedefinitions.apiextensions.k8s.io', '*', true);
    expect(await answers(expected)).toEqual(expected);
  });

  it('lets the transitioner and the aggregator hold Leases, in the release namespace only', async () => {
    const [dev] = envNamespaces();
    const expected: Record<string, boolean> = {};
    for (const verb of ['get', 'list', 'watch', 'create', 'update', 'delete']) {
      expected[`cascade-transitioner ${verb} leases.coordination.k8s.io in ${ns}`] = true;
      expected[`cascade-aggregator ${verb} leases.coordination.k8s.io in ${ns}`] = true;
    }
    for (const sa of ['cascade-transitioner', 'cascade-aggregator']) {
      expected[`${sa} get leases.coordination.k8s.io in ${dev}`] = false;
      expected[`${sa} get secrets in ${ns}`] = false;
      expected[`${sa} list secrets in *`] = false;
      for (const namespace of [ns, dev, '*']) expected[`${sa} create deployments.apps in ${namespace}`] = false;
    }
    expect(await answers(expected)).toEqual(expected);
  });

  it('with clusterWide, lets the deployer apply in any namespace and create and delete namespaces', async () => {
    await apply(await helm.template('wide', ns, ['--set', 'deployer.rbac.clusterWide=true']), false);
    const expected = {
      'wide-cascade-deployer create deployments.apps in *': true,
      [`wide-cascade-deployer delete secrets in ${ns}-other`]: true,
      'wide-cascade-deployer create namespaces in *': true,
      'wide-cascade-deployer delete namespaces in *': true,
      'wide-cascade-deployer create clusterroles.rbac.authorization.k8s.io in *': false,
      'wide-cascade-aggregator list secrets in *': false,
    };
    expect(await answers(expected)).toEqual(expected);
  });
});
