// The service kit shared by deployer, transitioner and aggregator: clock, logger, metrics, HTTP base, auth, watcher loop.
export type { Clock } from './clock.ts';
export { ManualClock, systemClock } from './clock.ts';

export type { LogFields, LogFormat, Logger, LoggerOptions, LogLevel, LogSink } from './logger/logger.ts';
export { captureLogger, createLogger, LOG_LEVELS, silentLogger } from './logger/logger.ts';
export { isSecretKey, redact, REDACTED } from './logger/redact.ts';

export type { Counter, Gauge, Histogram, Labels, MetricOptions } from './metrics/registry.ts';
export { DEFAULT_BUCKETS, METRICS_CONTENT_TYPE, MetricsRegistry } from './metrics/registry.ts';

export type { ReadyState, ServiceAppOptions } from './http/app.ts';
export { createServiceApp } from './http/app.ts';
export { DEFAULT_MAX_BODY_BYTES, limitBody, readJson } from './http/body.ts';
export type { ServiceEnv } from './http/context.ts';
export { getIdentity } from './http/context.ts';
export type { ErrorBody } from './http/http-error.ts';
export { HttpError } from './http/http-error.ts';
export { createErrorHandler, notFound, type ErrorMapper } from './http/on-error.ts';
export type { ServerHandle } from './http/serve.ts';
export type { InProcessPeers, ServiceStartOptions } from './process/start-options.ts';
export { createRefreshNotifier, REFRESH_NOTIFY_TIMEOUT_MS, REFRESH_PATH, type RefreshChange, type RefreshNotifier, type RefreshNotifierOptions } from './refresh.ts';
export { addRefreshRoute, type RefreshRouteOptions } from './http/refresh-route.ts';
export { jsonPiecesAnswer } from './http/json-pieces.ts';
export { serve } from './http/serve.ts';

export type { Auth, AuthOptions, PersonAuthenticator } from './auth/middleware.ts';
export { createAuth } from './auth/middleware.ts';
export type { CsrfDecision, CsrfInput } from './auth/csrf.ts';
export { CSRF_HEADER, decideCsrf, isSameOrigin } from './auth/csrf.ts';
export type { Person } from './auth/person.ts';
export { authorPart, looksLikeEmail, MAX_PERSON_FIELD, personAuthor } from './auth/person.ts';
export type { ProxyClaim, ProxyHeaderValues } from './auth/proxy-headers.ts';
export { MAX_PROXY_GROUPS, parseGroupsHeader, readProxyHeaders } from './auth/proxy-headers.ts';
export type { RoleDecision, RoleGroups, RoleMapping } from './auth/role-mapping.ts';
export { decideRole, groupsGrantingAccess } from './auth/role-mapping.ts';
export type { CidrRange } from './auth/trusted-proxies.ts';
export { parseCidr, TrustedProxies } from './auth/trusted-proxies.ts';
export type { Permission, Role } from './auth/roles.ts';
export { isRole, PERMISSIONS, ROLE_PERMISSIONS, ROLES, roleAllows } from './auth/roles.ts';
export type { Identity, TokenEntry } from './auth/tokens.ts';
export { generateToken, hashToken, isSha256Hex, TokenVerifier } from './auth/tokens.ts';
export { decodeOnBehalf, encodeOnBehalf, ON_BEHALF_HEADER } from './auth/delegation.ts';

export type { BackoffOptions } from './loop/backoff.ts';
export { backoffDelay, DEFAULT_BACKOFF_INITIAL_MS, DEFAULT_BACKOFF_MAX_MS } from './loop/backoff.ts';
export type { LoopHandle, LoopOptions, LoopRunResult, LoopStatus } from './loop/loop.ts';
export { NOT_READY_RETRY_MS, startLoop } from './loop/loop.ts';
export { errorKind, NotReadyError, TerminalError, type ErrorKind } from './loop/error-kinds.ts';
export { createTimeSlicer, SLICE_MS } from './loop/time-slicer.ts';
