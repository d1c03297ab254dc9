// The Kubernetes layer of the deployer, for tools and tests that work below a whole deployer: the watches, the labels
// every applied object carries, and how API errors are classified.
export { classifyKubeError } from './errors.ts';
export { ENV_LABEL, INSTALLATION_LABEL, RESOURCE_LABEL, environmentSelector } from './labels.ts';
export type { KubernetesWatchOptions } from './kubernetes-target.ts';
export { KindWatch, type WatchNews, type WatchSource, type WatchSpec } from './watch/kind-watch.ts';
export { ResourceNames, createKubeWatchSource } from './watch/kube-watch-source.ts';
export { ObjectStore } from './watch/object-store.ts';
