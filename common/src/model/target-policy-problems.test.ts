import { describe, expect, it } from 'vitest';
import { repoFilesFromText } from '../repo/files.ts';
import type { TargetSummary } from './deployer-targets.ts';
import { parseSnapshot } from './snapshot.ts';
import { checkTargetPolicies } from './target-policy-problems.ts';

const files = {
  'deployers.yaml': 'deployers:\n  dev: { target: local, namespace: shop-dev }\n  ops: { target: local, namespace: kube-system }\n  previews: { target: scripts }\n',
  'dev/deployable/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: app, namespace: shop-prod }\n',
  'dev/deployable/rbac.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: all }\nrules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]\n',
  'dev/deployable/sneaky.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: sneaky, namespace: kube-system }\n',
  'dev/deployable/own.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: { name: shop-dev }\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: shop-extra }\n',
  'dev/deployable/widgets.yaml': 'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: widgets.example.com }\nspec: { group: example.com, scope: Cluster, names: { kind: Widget, plural: widgets }, versions: [{ name: v1, served: true, storage: true }] }\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\n',
  'dev/base/web.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: "${ns}" }\nspec: { ports: [{ port: 80 }] }\n',
  'dev/version/web.yaml': 'version: "1"\nns: shop-prod\n',
  'dev/deployable/gadget.yaml': 'apiVersion: example.com/v1\nkind: Gadget\nmetadata: { name: g, namespace: anywhere }\n',
  'ops/deployable/x.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: { name: ops }\n',
};
const targets: Record<string, TargetSummary> = { local: { type: 'kubernetes' }, scripts: { type: 'script' } };

describe('checkTargetPolicies', () => {
  it('reports every object the policy refuses, per resource and file, with the key to change', () => {
    const problems = checkTargetPolicies(parseSnapshot(repoFilesFromText('c0ffee', files)), targets);
    expect(problems.map((p) => [p.file, p.resource, p.code, p.message.split(':')[0]])).toEqual([
      ['dev/deployable/app.yaml', 'app', 'namespace-not-allowed', 'ConfigMap shop-prod/app'],
      ['dev/deployable/own.yaml', 'own', 'cluster-kind-not-allowed', 'Namespace shop-extra is cluster-scoped, and target local lets environment dev apply no Namespace but its own; list Namespace in targets.local.clusterKinds or targets.local.environments.dev.clusterKinds of the deployer\'s config, and the name in targets.local.environments.dev.namespaces to allow it'],
      ['dev/deployable/rbac.yaml', 'rbac', 'cluster-kind-not-allowed', 'ClusterRole all is cluster-scoped, and target local lets environment dev apply no ClusterRole; list rbac.authorization.k8s.io/ClusterRole in targets.local.clusterKinds or targets.local.environments.dev.clusterKinds of the deployer\'s config to allow it'],
      ['dev/deployable/sneaky.yaml', 'sneaky', 'namespace-not-allowed', 'ConfigMap kube-system/sneaky'],
      ['dev/base/web.yaml', 'web', 'namespace-not-allowed', 'Service shop-prod/web'],
      ['dev/deployable/widgets.yaml', 'widgets', 'cluster-kind-not-allowed', 'CustomResourceDefinition widgets.example.com is cluster-scoped, and target local lets environment dev apply no CustomResourceDefinition; list apiextensions.k8s.io/CustomResourceDefinition in targets.local.clusterKinds or targets.local.environments.dev.clusterKinds of the deployer\'s config to allow it'],
      // The scope of Widget comes from the environment's own CRD.
      ['dev/deployable/widgets.yaml', 'widgets', 'cluster-kind-not-allowed', 'Widget w is cluster-scoped, and target local lets environment dev apply no Widget; list example.com/Widget in targets.local.clusterKinds or targets.local.environments.dev.clusterKinds of the deployer\'s config to allow it'],
    ]);
    expect(problems.every((p) => p.env === 'dev' && p.severity === 'error')).toBe(true);
  });

  it('finds nothing once the policy allows it, and leaves kinds of unknown scope to the deployer', () => {
    const allowing: Record<string, TargetSummary> = { local: {
      type: 'kubernetes', clusterKinds: ['ClusterRole', 'CustomResourceDefinition', 'Widget'],
      environments: { dev: { namespaces: ['shop-prod', 'kube-system', 'shop-extra'], clusterKinds: ['Namespace'] } },
    } };
    expect(checkTargetPolicies(parseSnapshot(repoFilesFromText('c0ffee', files)), allowing)).toEqual([]);
  });

  it('reports denied kinds whatever their scope', () => {
    const denying: Record<string, TargetSummary> = { local: { type: 'kubernetes', deniedKinds: ['Gadget', 'ConfigMap'] } };
    const problems = checkTargetPolicies(parseSnapshot(repoFilesFromText('c0ffee', files)), denying);
    expect(problems.filter((p) => p.code === 'kind-denied').map((p) => p.message.split(':')[0])).toEqual(['ConfigMap shop-dev/app', 'ConfigMap shop-prod/app', 'Gadget g', 'ConfigMap kube-system/sneaky']);
  });
});
