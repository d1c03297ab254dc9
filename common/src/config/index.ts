// The configuration of Cascade's services: `cascade.yaml`, its types, its loader and its errors.
export type { ConfigErrorCode, ConfigProblem, ConfigProblemCode } from './errors.ts';
export { ConfigError, formatConfigProblem } from './errors.ts';
export { formatDuration, parseDuration } from '../model/duration.ts';
export { INSTALLATION_ID, defaultInstallationId } from './installation.ts';
export type { ListenAddress } from '../service/http/listen.ts';
export { isLoopbackHost, parseListen } from '../service/http/listen.ts';
export type { ParseConfigOptions } from './load.ts';
export { loadConfig, MAX_CONFIG_ALIASES, MAX_CONFIG_BYTES, parseConfig } from './load.ts';
export { envNameFor } from './reader.ts';
export { DEFAULT_LISTEN, TOKEN_NAME } from './sections.ts';
export { DEFAULT_SESSION_TTL_MS, OIDC_CALLBACK_PATH } from './auth-section.ts';
export { ELECTION_DEFAULTS } from './election-section.ts';
export type {
  AggregatorAuthConfig,
  AggregatorConfig,
  CascadeConfig,
  DeployerConfig,
  ElectionConfig,
  KubernetesEnvironmentConfig,
  KubernetesTargetConfig,
  LogConfig,
  OidcConfig,
  ProxyAuthConfig,
  RepoConfig,
  RepoTransport,
  RoleMappingConfig,
  ScriptTargetConfig,
  SecretsConfig,
  TargetConfig,
  TokenConfig,
  TransitionerConfig,
} from './types.ts';
