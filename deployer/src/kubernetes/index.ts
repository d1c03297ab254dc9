// The Kubernetes layer of the deployer, for tools and tests that work below a whole deployer: the watches, the labels
// every applied object carries, how API errors are classified, and where an environment's inventory is kept.
export { classifyKubeError } from './errors.ts';
export { inventoryOf, type InventoryEntry } from './inventory.ts';
export { adoptRetained, inventoryLocation, readInventory, writeInventory, type InventoryReadMemo } from './inventory-store.ts';
export { ENV_LABEL, INSTALLATION_LABEL, RESOURCE_LABEL, environmentSelector } from './labels.ts';
export type { KubernetesWatchOptions } from './kubernetes-target.ts';
export { KindWatch, type WatchNews, type WatchSource, type WatchSpec } from './watch/kind-watch.ts';
export { ResourceNames, createKubeWatchSource } from './watch/kube-watch-source.ts';
export { ObjectStore } from './watch/object-store.ts';
