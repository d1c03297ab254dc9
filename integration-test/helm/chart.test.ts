// The Helm chart (deploy/helm/cascade) as users render it: a real helm lints it, renders what the values ask for, and
// refuses bad values by its schema; Cascade's own loader accepts the cascade.yaml it renders. install.test.ts installs
// it into the test cluster.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1ConfigMap, V1Container, V1Deployment, V1NetworkPolicy, V1Role } from '@kubernetes/client-node';
import { ConfigError, parseConfig } from '@cascade/common/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_DIR, FULL_VALUES, HELM_BUILD_TIMEOUT_MS, Helm, find, parseManifests, runCommand } from './harness.ts';
import type { Manifest } from './harness.ts';

const SERVICES = ['aggregator', 'deployer', 'transitioner'] as const;
const PORTS = { aggregator: 7400, deployer: 7401, transitioner: 7402 };
const CONFIG_FILE = '/etc/cascade/cascade.yaml';

let helm: Helm;
beforeAll(async () => {
  helm = await Helm.create();
}, HELM_BUILD_TIMEOUT_MS);
afterAll(() => helm?.dispose());

/** The only container of a rendered Deployment. */
function containerOf(deployment: V1Deployment): V1Container {
  return deployment.spec!.template.spec!.containers[0]!;
}

/** The environment a container gets from plain values (what Cascade's loader sees besides the file). */
function plainEnv(container: V1Container): Record<string, string> {
  return Object.fromEntries((container.env ?? []).flatMap((e) => (e.value === undefined ? [] : [[e.name, e.value]])));
}

/** cascade.yaml as the chart renders it. */
function cascadeYaml(objects: Manifest[], release = 'cascade'): string {
  return find<V1ConfigMap>(objects, 'ConfigMap', release).data!['cascade.yaml']!;
}

describe('helm lint', () => {
  it('reports nothing, even with --strict, for the default values and for every feature on', async () => {
    for (const values of [[], ['-f', FULL_VALUES, '--set-json', 'deployer.rbac.namespaces=["shop-dev","shop-prod"]']]) {
      const result = await helm.run(['lint', '--strict', CHART_DIR, ...values]);
      expect(result.code, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    }
  });
});

describe('helm template with the default values', () => {
  let objects: Manifest[];
  beforeAll(async () => {
    objects = parseManifests(await helm.template('cascade', 'cascade-system'));
  });

  it('runs each service as two replicas of the appVersion image, `cascade <service> --config`, probed on /readyz and /healthz', () => {
    for (const service of SERVICES) {
      const deployment = find<V1Deployment>(objects, 'Deployment', `cascade-${service}`);
      const container = containerOf(deployment);
      expect(deployment.spec!.replicas).toBe(2);
      expect(container.image).toBe('cascade:0.1.0');
      expect(container.args).toEqual([service, '--config', CONFIG_FILE]);
      expect(container.ports).toEqual([{ name: 'http', containerPort: PORTS[service], protocol: 'TCP' }]);
      expect(container.readinessProbe!.httpGet).toMatchObject({ path: '/readyz', port: 'http' });
      expect(container.livenessProbe!.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
      expect(container.resources!.requests).toBeDefined();
      expect(container.env!.filter((e) => e.valueFrom?.fieldRef).map((e) => [e.name, e.valueFrom!.fieldRef!.fieldPath])).toEqual([
        ['POD_NAME', 'metadata.name'],
        ['POD_IP', 'status.podIP'],
      ]);
      const pod = deployment.spec!.template.spec!;
      expect(pod.serviceAccountName).toBe(`cascade-${service}`);
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container.securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        runAsUser: 10001,
        runAsGroup: 10001,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(container.volumeMounts!.map((m) => [m.name, m.mountPath])).toEqual([
        ['config', '/etc/cascade'],
        ['data', '/var/lib/cascade'],
        ['tmp', '/tmp'],
      ]);
      expect(pod.volumes!.filter((v) => v.emptyDir).map((v) => v.name)).toEqual(['data', 'tmp']);
      const spread = pod.affinity!.podAntiAffinity!.preferredDuringSchedulingIgnoredDuringExecution![0]!.podAffinityTerm;
      expect(spread.topologyKey).toBe('kubernetes.io/hostname');
      expect(spread.labelSelector!.matchLabels).toMatchObject({ 'app.kubernetes.io/component': service });
    }
  });

  it('renders namespaced objects only: no Secret, nothing cluster-wide, no optional feature', () => {
    const kinds = [...new Set(objects.map((o) => o.kind))].sort();
    expect(kinds).toEqual(['ConfigMap', 'Deployment', 'PodDisruptionBudget', 'Role', 'RoleBinding', 'Service', 'ServiceAccount']);
    // Each names its namespace, so `helm template | kubectl apply` puts it there too.
    expect(objects.filter((o) => o.metadata.namespace !== 'cascade-system').map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    for (const service of SERVICES) {
      expect(find(objects, 'Service', `cascade-${service}`)).toMatchObject({ spec: { ports: [{ port: PORTS[service], targetPort: 'http' }] } });
      expect(find(objects, 'PodDisruptionBudget', `cascade-${service}`)).toMatchObject({ spec: { maxUnavailable: 1 } });
    }
  });

  it('lets every service hold Leases: the deployer its shards, the transitioner its own, the aggregator its member Lease', () => {
    const leaseVerbs = (service: string) => find<V1Role>(objects, 'Role', `cascade-${service}-election`).rules;
    const holder = [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'delete'] }];
    expect(leaseVerbs('deployer')).toEqual(holder);
    expect(leaseVerbs('transitioner')).toEqual(holder);
    expect(leaseVerbs('aggregator')).toEqual(holder);
  });

  it('gives Cascade a cascade.yaml whose only problem is the repo URL nobody has set yet', () => {
    const text = cascadeYaml(objects);
    const problems = (() => {
      try {
        parseConfig(text, { file: CONFIG_FILE, env: {} });
        return [];
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        return error.problems.map((p) => p.path);
      }
    })();
    expect(problems).toEqual(['repo.url']);
    const config = parseConfig(text.replace('url: ""', 'url: ssh://git@git.example.com/resources.git'), { file: CONFIG_FILE, env: {} });
    expect(config.election).toMatchObject({ namespace: 'cascade-system', inCluster: true, leaseDuration: 15_000, renewDeadline: 10_000, retryPeriod: 2_000 });
    expect(config.deployer).toMatchObject({ listen: '0.0.0.0:7401', shards: 1, transitioner: 'http://cascade-transitioner.cascade-system.svc:7402' });
    expect(config.dataDir).toBe('/var/lib/cascade');
  });
});

describe('helm template with every feature on', () => {
  let objects: Manifest[];
  beforeAll(async () => {
    objects = parseManifests(await helm.template('cascade', 'cascade-system', ['-f', FULL_VALUES, '--set-json', 'deployer.rbac.namespaces=["shop-dev","shop-prod"]']));
  });

  it('renders a cascade.yaml Cascade loads as the chart means it, with the environment the pods get', () => {
    const deployer = containerOf(find<V1Deployment>(objects, 'Deployment', 'cascade-deployer'));
    const config = parseConfig(cascadeYaml(objects), { file: CONFIG_FILE, env: plainEnv(deployer) });
    expect(config.repo).toMatchObject({ url: 'ssh://git@git.example.com/platform/resources.git', transport: 'ssh', pollInterval: 30_000 });
    expect(config.deployer).toMatchObject({ listen: '0.0.0.0:7401', shards: 3, installation: 'shop-prod', aggregator: 'http://cascade-aggregator.cascade-system.svc:7400' });
    expect(config.transitioner).toMatchObject({ listen: '0.0.0.0:7402', deployer: 'http://cascade-deployer.cascade-system.svc:7401' });
    expect(config.aggregator).toMatchObject({ listen: '0.0.0.0:7400', anonymousRead: true, tokens: [{ name: 'github-ci', role: 'ci' }] });
    expect(config.election).toMatchObject({ namespace: 'cascade-system', inCluster: true, leaseDuration: 20_000, renewDeadline: 12_000, retryPeriod: 3_000 });
    expect(config.secrets!.ageIdentityFiles).toEqual(['/var/run/secrets/cascade/age/age-2026.key', '/var/run/secrets/cascade/age/age-2025.key']);
    expect(config.aggregator.auth!.sessionKeyFile).toBe('/var/run/secrets/cascade/aggregator-auth/session.key');
    // extraEnv reaches the loader as an override.
    expect(config.log.level).toBe('info');
  });

  it('mounts private files only where they are read, copied to memory readable by the service user alone', () => {
    const copies = (service: string) => find<V1Deployment>(objects, 'Deployment', `cascade-${service}`).spec!.template.spec!.initContainers?.map((c) => c.command);
    expect(copies('deployer')).toEqual([
      ['install', '-m', '0400', '-t', '/var/run/secrets/cascade/age', '/var/run/secrets/cascade/age-source/age-2026.key', '/var/run/secrets/cascade/age-source/age-2025.key'],
    ]);
    expect(copies('aggregator')).toEqual([['install', '-m', '0400', '-t', '/var/run/secrets/cascade/aggregator-auth', '/var/run/secrets/cascade/aggregator-auth-source/session.key']]);
    expect(copies('transitioner')).toBeUndefined();
    const deployer = find<V1Deployment>(objects, 'Deployment', 'cascade-deployer');
    const pod = deployer.spec!.template.spec!;
    expect(pod.volumes!.find((v) => v.name === 'age-source')!.secret!.secretName).toBe('cascade-age');
    expect(pod.volumes!.find((v) => v.name === 'age')!.emptyDir!.medium).toBe('Memory');
    expect(containerOf(deployer).volumeMounts!.find((m) => m.name === 'age')).toMatchObject({ mountPath: '/var/run/secrets/cascade/age', readOnly: true });
    const aggregator = find<V1Deployment>(objects, 'Deployment', 'cascade-aggregator');
    expect(aggregator.spec!.template.spec!.volumes!.find((v) => v.name === 'auth-source')!.secret!.secretName).toBe('cascade-aggregator-auth');
    expect(containerOf(aggregator).volumeMounts!.find((m) => m.name === 'auth')).toMatchObject({ mountPath: '/var/run/secrets/cascade/aggregator-auth', readOnly: true });
  });

  it('hands every service the ssh key from its Secret and the known_hosts from the values', () => {
    expect(find<V1ConfigMap>(objects, 'ConfigMap', 'cascade').data!['known_hosts']).toMatch(/^git\.example\.com ssh-ed25519 /);
    for (const service of SERVICES) {
      const deployment = find<V1Deployment>(objects, 'Deployment', `cascade-${service}`);
      expect(plainEnv(containerOf(deployment))['GIT_SSH_COMMAND']).toBe(
        'ssh -i /var/run/secrets/cascade/git-ssh/identity -o IdentitiesOnly=yes -o UserKnownHostsFile=/etc/cascade/known_hosts -o StrictHostKeyChecking=yes -o BatchMode=yes',
      );
      expect(deployment.spec!.template.spec!.volumes!.find((v) => v.name === 'git-ssh')!.secret!.secretName).toBe('cascade-git-ssh');
    }
  });

  it('renders the optional objects: Ingresses, ServiceMonitor, NetworkPolicies and the extra rules', () => {
    const webhook = find<Manifest & { spec: { rules: Array<{ host: string; http: { paths: unknown[] } }> } }>(objects, 'Ingress', 'cascade-deployer-webhook');
    expect(webhook.spec.rules).toEqual([
      { host: 'hooks.cascade.example.com', http: { paths: [{ path: '/refresh', pathType: 'Exact', backend: { service: { name: 'cascade-deployer', port: { name: 'http' } } } }] } },
    ]);
    expect(find(objects, 'Ingress', 'cascade-aggregator')).toMatchObject({ spec: { ingressClassName: 'nginx', tls: [{ hosts: ['cascade.example.com'], secretName: 'cascade-tls' }] } });
    expect(find(objects, 'ServiceMonitor', 'cascade')).toMatchObject({ metadata: { labels: { release: 'prometheus' } }, spec: { endpoints: [{ port: 'http', path: '/metrics', interval: '15s' }] } });
    const deployerPolicy = find<V1NetworkPolicy>(objects, 'NetworkPolicy', 'cascade-deployer').spec!.ingress!;
    expect(deployerPolicy.map((rule) => rule.ports)).toEqual([[{ port: 7401, protocol: 'TCP' }], [{ port: 7401, protocol: 'TCP' }], [{ port: 7401, protocol: 'TCP' }]]);
    expect(deployerPolicy.map((rule) => rule._from)).toEqual([
      [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'cascade', 'app.kubernetes.io/instance': 'cascade' } } }],
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
      [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
    ]);
    expect(objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['cascade-deployer', 'cascade-transitioner']);
    expect(objects.filter((o) => o.kind === 'Role' && o.metadata.name === 'cascade-deployer').map((o) => o.metadata.namespace)).toEqual(['shop-dev', 'shop-prod']);
    expect(find(objects, 'ClusterRole', 'cascade-system-cascade-deployer')).toMatchObject({ rules: [{ apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'] }] });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  it('gives git the https credentials through a helper that reads them from the mounted Secret', async () => {
    const https = parseManifests(await helm.template('cascade', 'cascade-system', ['--set', 'config.repo.url=https://git.example.com/resources.git', '--set', 'git.https.existingSecret=cascade-git-https']));
    const container = containerOf(find<V1Deployment>(https, 'Deployment', 'cascade-aggregator'));
    const env = plainEnv(container);
    expect(env).toMatchObject({ GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'credential.helper' });
    expect(container.volumeMounts!.find((m) => m.name === 'git-https')).toMatchObject({ mountPath: '/var/run/secrets/cascade/git-https', readOnly: true });
    // The same helper, pointed at files of our own, answers git's request the way git expects.
    const dir = mkdtempSync(join(tmpdir(), 'cascade-helm-https-'));
    try {
      writeFileSync(join(dir, 'username'), 'cascade-bot');
      writeFileSync(join(dir, 'password'), 'glpat-not-a-real-token');
      const helper = env['GIT_CONFIG_VALUE_0']!.replaceAll('/var/run/secrets/cascade/git-https', dir);
      const result = await runCommand('git', ['credential', 'fill'], {
        input: 'protocol=https\nhost=git.example.com\n\n',
        env: { PATH: process.env.PATH ?? '', HOME: dir, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'credential.helper', GIT_CONFIG_VALUE_0: helper },
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('username=cascade-bot\n');
      expect(result.stdout).toContain('password=glpat-not-a-real-token\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without election runs one replica of each and leaves election out of cascade.yaml', async () => {
    const single = parseManifests(await helm.template('cascade', 'cascade-system', ['--set', 'election.enabled=false', '--set', 'deployer.replicas=1', '--set', 'transitioner.replicas=1']));
    expect(cascadeYaml(single)).not.toContain('election:');
    expect(single.filter((o) => o.kind === 'Role')).toEqual([]);
  });
});

describe('the values schema', () => {
  // helm names the value as a JSON pointer: `at '/deployer/replicas': minimum: got 0, want 1`.
  const refusals: Array<[string, string[], RegExp]> = [
    ['fewer than one replica', ['--set', 'deployer.replicas=0'], /at '\/deployer\/replicas': minimum/],
    ['a key the chart does not know', ['--set', 'replicaCount=3'], /additional properties 'replicaCount' not allowed/],
    ['a string where a number belongs', ['--set-string', 'deployer.shards=3'], /at '\/deployer\/shards'/],
    ['a plain-text token', ['--set-json', 'config.aggregator.tokens=[{"name":"ci","role":"ci","token":"s3cret"}]'], /at '\/config\/aggregator\/tokens\/0': additional properties 'token' not allowed/],
    ['a token hash that is no sha256', ['--set-json', 'config.aggregator.tokens=[{"name":"ci","role":"ci","sha256":"abc"}]'], /at '\/config\/aggregator\/tokens\/0\/sha256'/],
    ['a password in the repo URL', ['--set', 'config.repo.url=https://bot:hunter2@git.example.com/r.git'], /at '\/config\/repo\/url'/],
    ['an age identity file in cascade.yaml instead of a Secret', ['--set', 'config.secrets.ageIdentityFile=/keys/age.key'], /at '\/config': additional properties 'secrets' not allowed/],
    ['a duration without its unit', ['--set-string', 'election.leaseDuration=15'], /at '\/election\/leaseDuration'/],
    ['two transitioners without election', ['--set', 'election.enabled=false'], /at '\/transitioner\/replicas': maximum/],
    ['an unknown pull policy', ['--set', 'image.pullPolicy=Sometimes'], /at '\/image\/pullPolicy'/],
  ];

  it.each(refusals)('refuses %s, naming the field', async (_what, values, field) => {
    const result = await helm.run(['template', 'cascade', CHART_DIR, ...values]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(field);
  });
});
