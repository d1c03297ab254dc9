// The classes of the Kubernetes client that a Lease API needs, imported by name: the bundle then holds only what they
// use, where a dynamic import of the whole package would hold (and load) all of its generated modules.
export { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
