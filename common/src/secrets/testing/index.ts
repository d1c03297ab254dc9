// What other packages' tests need: the real sops and age binaries to check Cascade's SOPS files against, and a keyring holding known values.
export { keyringHolding } from './keyring.ts';
export { sopsCli, TOOLS_BUILD_TIMEOUT_MS } from './sops-cli.ts';
export type { GeneratedKey, SopsCli } from './sops-cli.ts';
