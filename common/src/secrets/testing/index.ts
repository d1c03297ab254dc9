// What other packages' tests need to check Cascade's SOPS files against the real sops and age binaries.
export { sopsCli, TOOLS_BUILD_TIMEOUT_MS } from './sops-cli.ts';
export type { GeneratedKey, SopsCli } from './sops-cli.ts';
