// Gives each integration test its own namespace on the run's cluster and deletes it afterwards.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest';

/** Label on every test namespace, so leftovers of a crashed run can be found with a selector. */
export const TEST_NAMESPACE_LABEL = 'cascade.test/namespace';

/** The cluster connection and namespace of the current test. */
export interface TestNamespace {
  readonly kc: KubeConfig;
  readonly namespace: string;
}

/** Options of useTestNamespace. */
export interface TestNamespaceOptions {
  /** Name prefix (default 'test'); keep it short, the name must stay within 63 characters. */
  prefix?: string;
  /** 'each' (default): a fresh namespace per test; 'all': one namespace shared by the tests of the file. */
  scope?: 'each' | 'all';
}

/** The run's admin kubeconfig, provided by the global setup (integration-test/setup/cluster.ts). */
function loadTestKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(inject('kubeconfig'));
  return kc;
}

/** Registers hooks that create a namespace before and delete it after each test (or the file); read it in tests. */
export function useTestNamespace(options: TestNamespaceOptions = {}): TestNamespace {
  const prefix = options.prefix ?? 'test';
  let current: TestNamespace | undefined;
  const [before, after] = options.scope === 'all' ? [beforeAll, afterAll] : [beforeEach, afterEach];

  before(async () => {
    const kc = loadTestKubeConfig();
    const namespace = `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    await createNamespace(kc, namespace);
    current = { kc, namespace };
  });
  after(async () => {
    if (!current) return;
    // Deletion finishes in the background (the namespace controller empties it); tests need not wait for it.
    await current.kc.makeApiClient(CoreV1Api).deleteNamespace({ name: current.namespace });
    current = undefined;
  });

  const active = (): TestNamespace => {
    if (!current) throw new Error('useTestNamespace: the namespace exists only inside a test (or its hooks)');
    return current;
  };
  return {
    get kc() {
      return active().kc;
    },
    get namespace() {
      return active().namespace;
    },
  };
}

/** Creates the namespace and waits for its `default` ServiceAccount, without which pods are rejected. */
async function createNamespace(kc: KubeConfig, name: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name, labels: { [TEST_NAMESPACE_LABEL]: 'true' } } } });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await core.readNamespacedServiceAccount({ name: 'default', namespace: name });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`namespace ${name}: the default ServiceAccount did not appear`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
