// Stagings through the whole installation: an operator creates, updates, archives and restores one over the API, the
// deployer loses its memory while it is archived, the transitioner cleans it up after the retention and removes its
// file; meanwhile CI deploys ten branches twice each with `cascade staging deploy --from-branch`. One stack for both.
import { mkdir, rm } from 'node:fs/promises';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { DeployerStatus } from '@cascade/common';
import type { StagingWriteResponse } from '@cascade/common/api';
import { describe, inject, it } from 'vitest';
import { waitFor } from './harness.ts';
import { useSharedStack } from './stack-hooks.ts';
import { trailer, type BranchCommit, type Stack } from './stack.ts';
import { callApi, stagingList, waitForListed, waitForRunningAt } from './stagings-api.ts';

// Namespaces, the storage class and the volume are unique to the run: other test files share the cluster.
const id = `stg${Date.now().toString(36)}`;
const storageClass = `${id}-sc`;
const volume = `${id}-pv`;
const FEATURE_PATTERN = `${id}-{name}`;
const BRANCH_PATTERN = `${id}-ci-{name}`;

/**
 * Two kinds: `feature` copies `review` (a web Deployment, a database StatefulSet with a volume claim template, a
 * plain ConfigMap) and is cleaned up 2 s after archiving; `branch` copies the shop's dev environment for CI.
 */
const STAGINGS_YAML = `stagings:
  feature: { template: review, target: local, namespace: "${FEATURE_PATTERN}", baseDomain: review.example.com, retention: 2s }
  branch: { template: dev, target: local, namespace: "${BRANCH_PATTERN}", baseDomain: ci.example.com }
`;

/** The template environment of `feature`: no deployer deploys it and no transition touches it. */
const REVIEW_FILES: Record<string, string> = {
  'review/base/web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, labels: { app: web } }
spec:
  replicas: \${replicas}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web, version: $version } }
    spec:
      containers:
        - name: web
          image: "\${image}:$version"
          envFrom: [{ configMapRef: { name: cascade-app, optional: true } }]
`,
  'review/version/web.yaml': 'version: "0.1.0"\nimage: registry.example.com/web\nreplicas: 1\n',
  'review/base/db.yaml': `apiVersion: v1
kind: Service
metadata: { name: db }
spec: { clusterIP: None, selector: { app: db }, ports: [{ port: 5432 }] }
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: db }
spec:
  serviceName: db
  replicas: 1
  selector: { matchLabels: { app: db } }
  template:
    metadata: { labels: { app: db, version: $version } }
    spec:
      containers:
        - { name: db, image: "registry.example.com/db:$version", volumeMounts: [{ name: data, mountPath: /data }] }
  volumeClaimTemplates:
    - metadata: { name: data }
      spec: { storageClassName: ${storageClass}, accessModes: [ReadWriteOnce], resources: { requests: { storage: 1Gi } } }
`,
  'review/version/db.yaml': 'version: "0.1.0"\n',
  'review/deployable/settings.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: settings }\ndata: { mode: review }\n',
};

const shared = useSharedStack({ prefix: 'e2e-stg', files: { 'stagings.yaml': STAGINGS_YAML, ...REVIEW_FILES } });
const kc = new KubeConfig();
kc.loadFromFile(inject('kubeconfig'));
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
let prepared: Promise<Stack> | undefined;

/** The shared stack, with the staging's volume and the removal of every namespace of the run once it stops. */
function stackWithVolume(): Promise<Stack> {
  return (prepared ??= (async () => {
    const stack = shared();
    stack.afterStop(async () => {
      const all = await core.listNamespace();
      await Promise.all(all.items.map((n) => n.metadata?.name ?? '').filter((name) => name.startsWith(`${id}-`)).map((name) => core.deleteNamespace({ name })));
    });
    stack.afterStop(() => core.deletePersistentVolume({ name: volume }));
    // Retain: the test reads the same claim back after a restore; hostPath is never used, kwok starts no container.
    await core.createPersistentVolume({ body: {
      metadata: { name: volume },
      spec: { storageClassName: storageClass, capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: `/tmp/${volume}` } },
    } });
    return stack;
  })());
}

/** The commits of the remote's branch that name staging `name` in their trailers, oldest first. */
async function stagingCommits(stack: Stack, name: string): Promise<BranchCommit[]> {
  return (await stack.commits()).filter((c) => trailer(c, 'Cascade-Staging') === name).reverse();
}

/** Waits for a commit of the staging with `Cascade-Action: action`. */
function stagingCommit(stack: Stack, name: string, action: string, timeoutMs: number): Promise<BranchCommit> {
  return waitFor(`a ${action} commit of staging ${name}`, async () => (await stagingCommits(stack, name)).find((c) => trailer(c, 'Cascade-Action') === action), { timeoutMs });
}

/** Names of what runs in a namespace, and its claims. */
async function workloadsIn(namespace: string): Promise<{ deployments: string[]; statefulSets: string[]; pods: string[]; claims: string[] }> {
  const names = (list: { items: Array<{ metadata?: { name?: string } }> }) => list.items.map((i) => i.metadata?.name ?? '').sort();
  return {
    deployments: names(await apps.listNamespacedDeployment({ namespace })),
    statefulSets: names(await apps.listNamespacedStatefulSet({ namespace })),
    pods: names(await core.listNamespacedPod({ namespace })),
    claims: names(await core.listNamespacedPersistentVolumeClaim({ namespace })),
  };
}

describe.concurrent('stagings end to end', () => {
  it('creates, updates, archives and restores a staging by API; after a deployer restart with no data the retention cleans it up and its file goes', async ({ expect }) => {
    const stack = await stackWithVolume();
    const name = 'checkout-test';
    const namespace = FEATURE_PATTERN.replace('{name}', name);

    // Create: its namespace with the template's objects at the staging's tag, the app config, Running with its link.
    const created = await callApi<StagingWriteResponse>(stack, 'operator', 'POST', '/stagings', { name, kind: 'feature', tag: '1.0.0-a1', app: { FEATURE_FLAGS: 'new-checkout' } });
    expect(created, JSON.stringify(created.body)).toMatchObject({ status: 201, body: { status: 'created', action: 'create', namespace, state: 'active' } });
    await waitForRunningAt(stack, name, '1.0.0-a1');
    const listed = await waitForListed(stack, name, 'the list to show it Running', (s) => s.phase === 'Running');
    expect(listed).toMatchObject({ kind: 'feature', tag: '1.0.0-a1', state: 'active', namespace, links: [{ url: `https://${name}.review.example.com` }] });
    expect((await core.readNamespace({ name: namespace })).metadata?.labels).toMatchObject({ 'cascade.dev/staging': name, 'app.kubernetes.io/managed-by': 'cascade' });
    const web = await apps.readNamespacedDeployment({ name: 'web', namespace });
    expect([web.metadata?.annotations?.['cascade.dev/version'], web.spec?.template.metadata?.labels?.['version'], web.spec?.template.spec?.containers[0]?.image]).toEqual(['1.0.0-a1', '1.0.0-a1', 'registry.example.com/web:1.0.0-a1']);
    expect((await apps.readNamespacedStatefulSet({ name: 'db', namespace })).metadata?.annotations?.['cascade.dev/version']).toBe('1.0.0-a1');
    const appConfig = await core.readNamespacedConfigMap({ name: 'cascade-app', namespace });
    expect(appConfig.data).toEqual({ FEATURE_FLAGS: 'new-checkout' });
    const settings = await core.readNamespacedConfigMap({ name: 'settings', namespace });
    const claim = await core.readNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace });
    expect([claim.status?.phase, claim.spec?.volumeName]).toEqual(['Bound', volume]);

    // Update the tag: the versioned objects carry it; the objects it does not touch are not applied again.
    const updated = await callApi<StagingWriteResponse>(stack, 'operator', 'PATCH', `/stagings/${name}`, { tag: '1.0.1-b2' });
    expect(updated, JSON.stringify(updated.body)).toMatchObject({ status: 201, body: { status: 'created', action: 'update', tag: '1.0.1-b2' } });
    await waitForRunningAt(stack, name, '1.0.1-b2');
    const web2 = await apps.readNamespacedDeployment({ name: 'web', namespace });
    expect([web2.metadata?.annotations?.['cascade.dev/version'], web2.spec?.template.spec?.containers[0]?.image]).toEqual(['1.0.1-b2', 'registry.example.com/web:1.0.1-b2']);
    expect((await apps.readNamespacedStatefulSet({ name: 'db', namespace })).spec?.template.metadata?.labels?.['version']).toBe('1.0.1-b2');
    for (const before of [settings, appConfig]) {
      const after = await core.readNamespacedConfigMap({ name: before.metadata!.name!, namespace });
      expect([after.metadata?.name, after.metadata?.resourceVersion, after.metadata?.annotations?.['cascade.dev/commit']])
        .toEqual([before.metadata?.name, before.metadata?.resourceVersion, before.metadata?.annotations?.['cascade.dev/commit']]);
    }

    // The transitioner is away from the first archive until the deployer has restarted: its 2 s retention would
    // otherwise clean up the staging the test is about to restore.
    await stack.services.transitioner.stop();

    // Archive: nothing runs any more, the claim is still bound.
    const archived = await callApi<StagingWriteResponse>(stack, 'operator', 'POST', `/stagings/${name}/archive`);
    expect(archived, JSON.stringify(archived.body)).toMatchObject({ status: 201, body: { action: 'archive', state: 'archived' } });
    const archivedView = await waitForListed(stack, name, 'the staging to be Archived', (s) => s.phase === 'Archived');
    expect(Date.parse(archivedView.cleanupAt ?? '') - Date.parse(archivedView.archivedAt ?? '')).toBe(2000);
    expect(await workloadsIn(namespace)).toEqual({ deployments: [], statefulSets: [], pods: [], claims: ['data-db-0'] });
    const kept = await core.readNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace });
    expect([kept.metadata?.uid, kept.status?.phase]).toEqual([claim.metadata?.uid, 'Bound']);

    // Restore: Running again, the StatefulSet's pod on the same claim.
    const restored = await callApi<StagingWriteResponse>(stack, 'operator', 'POST', `/stagings/${name}/restore`);
    expect(restored, JSON.stringify(restored.body)).toMatchObject({ status: 201, body: { action: 'restore', state: 'active' } });
    await waitForRunningAt(stack, name, '1.0.1-b2');
    expect((await core.readNamespacedPersistentVolumeClaim({ name: 'data-db-0', namespace })).metadata?.uid).toBe(claim.metadata?.uid);
    const pod = await core.readNamespacedPod({ name: 'db-0', namespace });
    expect(pod.spec?.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).toBe('data-db-0');

    // Archive again, then the deployer dies (kill -9) and comes back with an empty data dir: the files tell it all.
    expect((await callApi(stack, 'operator', 'POST', `/stagings/${name}/archive`)).status).toBe(201);
    await waitForListed(stack, name, 'the staging to be Archived again', (s) => s.phase === 'Archived' && s.archivedAt !== archivedView.archivedAt);
    await stack.services.deployer.kill();
    await rm(stack.dataDirs.deployer, { recursive: true, force: true });
    await mkdir(stack.dataDirs.deployer);
    await stack.services.deployer.start();
    await waitFor('the restarted deployer to report the staging Archived', async () => {
      const status = (await (await fetch(`${stack.services.deployer.url}/status`)).json()) as DeployerStatus;
      return status.stagings?.find((s) => s.name === name)?.phase === 'Archived' ? true : undefined;
    });

    // The retention has passed: the transitioner marks it for cleanup, the deployer deletes the namespace, and once
    // it reports CleanedUp the transitioner removes the file.
    await stack.services.transitioner.start();
    // Deleting a namespace takes the namespace controller a while on a busy cluster.
    await stagingCommit(stack, name, 'remove', 240_000);
    await expect(core.readNamespace({ name: namespace })).rejects.toMatchObject({ code: 404 });
    expect(await stack.file(`stagings/${name}.yaml`)).toBeNull();
    const commits = await stagingCommits(stack, name);
    expect(commits.map((c) => [trailer(c, 'Cascade-Type'), trailer(c, 'Cascade-Action')])).toEqual(
      ['create', 'update', 'archive', 'restore', 'archive', 'cleanup', 'remove'].map((action) => ['Staging', action]),
    );
    expect(commits.map((c) => c.subject).slice(-2)).toEqual([expect.stringMatching(/^Clean up staging checkout-test: archived for 2s/), expect.stringMatching(/^Remove staging checkout-test: cleaned up/)]);
    await waitFor('the staging list to drop the removed staging', async () => ((await stagingList(stack)).stagings.some((s) => s.name === name) ? undefined : true));
  }, 420_000);

  it('CI deploys ten branches twice each: ten staging files named after the branches, the second round commits nothing', async ({ expect }) => {
    const stack = await stackWithVolume();
    const room = 63 - (BRANCH_PATTERN.length - '{name}'.length);
    const long = 'feature/JIRA-10_make-the-checkout-page-remember-the-last-payment-method-of-every-customer';
    const branches: Array<{ branch: string; recorded: string; name: string }> = [
      { branch: 'feature/JIRA-1_x', recorded: 'feature/JIRA-1_x', name: 'feature-jira-1-x' },
      { branch: 'Feature/JIRA-2__Login', recorded: 'Feature/JIRA-2__Login', name: 'feature-jira-2-login' },
      { branch: 'feature/JIRA-3.payment-v2', recorded: 'feature/JIRA-3.payment-v2', name: 'feature-jira-3-payment-v2' },
      { branch: 'bugfix/JIRA-4#hash!', recorded: 'bugfix/JIRA-4#hash!', name: 'bugfix-jira-4-hash' },
      { branch: 'feature/JIRA-5+Ümlaut', recorded: 'feature/JIRA-5+Ümlaut', name: 'feature-jira-5-mlaut' },
      { branch: 'feature/JIRA-6--double--dash--', recorded: 'feature/JIRA-6--double--dash--', name: 'feature-jira-6-double-dash' },
      { branch: 'refs/heads/feature/JIRA-7_ref', recorded: 'feature/JIRA-7_ref', name: 'feature-jira-7-ref' },
      { branch: 'FEATURE/JIRA-8_UPPER', recorded: 'FEATURE/JIRA-8_UPPER', name: 'feature-jira-8-upper' },
      { branch: "feature/JIRA-9_a,b&c=d'e", recorded: "feature/JIRA-9_a,b&c=d'e", name: 'feature-jira-9-a-b-c-d-e' },
      { branch: long, recorded: long, name: '' },
    ];
    // Commit ids as tags, one all digits (a parser must not read it as a number).
    const tags = ['3f9c2a1', '0012345', 'a1b2c3d', 'deadbee', '1e10000', 'c0ffee1', '7d2e4f0', 'b16b00b', '00a11ce', 'f00d123'];
    const deploy = (branch: string, tag: string) => stack.cli('ci', ['staging', 'deploy', '--from-branch', branch, '--kind', 'branch', '--tag', tag, '-o', 'json']);

    // Every branch's pipeline runs twice (two pushes), the pipelines side by side.
    const runs = await Promise.all(branches.map(async ({ branch }, i) => {
      const first = await deploy(branch, tags[i]!);
      const second = await deploy(branch, tags[i]!);
      return { first, second };
    }));
    const answers = runs.map(({ first, second }, i) => {
      expect([branches[i]!.branch, first.code, first.stderr, second.code, second.stderr]).toEqual([branches[i]!.branch, 0, '', 0, '']);
      return { first: JSON.parse(first.stdout) as StagingWriteResponse, second: JSON.parse(second.stdout) as StagingWriteResponse };
    });
    // The long branch is cut to what the namespace pattern leaves room for, with a hash of the whole branch name.
    const longName = answers[9]!.first.name;
    expect(longName.length).toBeLessThanOrEqual(room);
    expect(longName).toMatch(new RegExp(`^${long.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, room - 7).replace(/-+$/, '')}-[0-9a-z]{6}$`));
    branches[9]!.name = longName;
    const names = branches.map((b) => b.name);
    expect(answers.map((a) => [a.first.status, a.first.action, a.first.name, a.first.branch, a.first.tag])).toEqual(branches.map((b, i) => ['created', 'create', b.name, b.recorded, tags[i]]));
    expect(answers.map((a) => [a.second.status, a.second.name])).toEqual(names.map((name) => ['unchanged', name]));

    // On the remote: exactly one commit per staging (the second round made none) and ten files of kind branch.
    const commits = (await stack.commits()).filter((c) => names.includes(trailer(c, 'Cascade-Staging') ?? ''));
    expect(commits.map((c) => [trailer(c, 'Cascade-Type'), trailer(c, 'Cascade-Staging'), trailer(c, 'Cascade-Action')]).sort())
      .toEqual(names.map((name) => ['Staging', name, 'create']).sort());
    const files = (await stack.fixture.git('ls-tree', '--name-only', stack.fixture.branch, 'stagings/')).split('\n').filter((f) => f !== '');
    const ofKind: string[] = [];
    for (const file of files) if ((await stack.file(file))?.match(/^kind: branch$/m)) ofKind.push(file);
    expect(ofKind.sort()).toEqual(names.map((name) => `stagings/${name}.yaml`).sort());
    const list = await stagingList(stack);
    expect(names.map((name) => list.stagings.find((s) => s.name === name)).map((s) => [s?.kind, s?.branch, s?.namespace]))
      .toEqual(branches.map((b) => ['branch', b.recorded, BRANCH_PATTERN.replace('{name}', b.name)]));
  });
});
