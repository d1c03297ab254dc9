// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`; a test checks every route is in it.
import { NAME_SEGMENT, RESOURCE_NAME_PATTERN } from '@cascade/common';
import { COMMIT_TYPES } from '@cascade/common/api';
import { PERMISSIONS } from '@cascade/common/service';
import type { JsonSchema, OpenApiDocument, Operation } from './openapi-types.ts';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonSchema) => ({ 'application/json': { schema } });
const error = (description: string) => ({ description, content: json(ref('Error')) });
const name = (pattern: string, description: string): JsonSchema => ({ type: 'string', pattern, description });
const ENV = name(NAME_SEGMENT.source, 'Environment name');
const RESOURCE = name(RESOURCE_NAME_PATTERN, 'Resource name, e.g. shop/cart');

const writeErrors = {
  '400': error('A field is missing, has the wrong type or an invalid value; `details.field` names it'),
  '401': error('No valid bearer token'),
  '403': error("The token's role lacks the permission"),
  '404': error('The environment, resource, version or transition does not exist'),
  '409': error('A file Cascade must edit or restore is broken (e.g. `invalid-version-in-repo`: a version that is not one line; `file-too-large`: over the 5 MB read bound, `details.file`)'),
  '413': error('Body too large, or the file the write produces would exceed 256 KiB (`version-file-too-large`, `locks-file-too-large`; `details.file`, `details.size`, `details.limit`)'),
  '415': error('Body is not JSON'),
  '422': error('The repo does not allow it (e.g. a new resource without its base)'),
  '503': error('The git remote cannot be reached or kept moving; nothing was written'),
};

const write = (operationId: string, summary: string, permission: string, body: string, answer: string, description?: string): Operation => ({
  operationId,
  summary,
  ...(description ? { description } : {}),
  'x-cascade-permission': permission,
  security: [{ bearer: [] }],
  requestBody: { required: true, content: json(ref(body)) },
  responses: { '200': { description: 'Already as asked; no new commit', content: json(ref(answer)) }, '201': { description: 'Committed and pushed', content: json(ref(answer)) }, ...writeErrors },
});

const read = (operationId: string, summary: string, answer: JsonSchema, extra: Partial<Operation> = {}): Operation => ({
  operationId,
  summary,
  'x-cascade-permission': 'read',
  security: [{ bearer: [] }, {}],
  responses: { '200': { description: 'OK', content: json(answer) }, '400': error('Invalid query parameter'), '401': error('No valid bearer token (and anonymous read is off)') },
  ...extra,
});

/** An operation with some of its answers described more closely. */
const withResponses = (operation: Operation, responses: Operation['responses']): Operation => ({ ...operation, responses: { ...operation.responses, ...responses } });

const PUSH_DESCRIPTION = [
  'Writes `<env>/version/<resource>.yaml` as one commit and answers once it is on the remote. The same push again answers 200 with the commit already holding it.',
  'A `ci` token pushes only into the pipeline\'s entry environments (transition sources that are no target) and those `aggregator.ciEnvironments` lists, and never into a locked environment or resource.',
  'An `operator` or `admin` pushes into any environment, and past a lock only with `lockOverride`, recorded as the `Cascade-Lock-Override` trailer. Locks and environments are checked on the tree the commit is made on.',
].join(' ');

const PUSH_REFUSALS = {
  '403': error("The token's role lacks the permission (`forbidden`), a ci token named an environment it may not push into (`environment-not-allowed`, `details.allowed`), or sent `lockOverride` (`lock-override-forbidden`)"),
  '422': error('The repo does not allow it: a new resource without its base (`missing-base`), or no `env` while the pipeline has no single entry environment (`no-entry-environment`, `env-required`)'),
  '423': error('The environment or the resource is locked (`environment-locked`, `resource-locked`; `details.reasons`); only an operator or admin may push past it, with `lockOverride`'),
};

const str = { type: 'string' };
const strings = { type: 'array', items: str };
const writeStatus = { type: 'string', enum: ['created', 'unchanged'] };

/** The aggregator's API description. */
export const openApiDocument: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'Cascade aggregator', version: '1', description: 'Version pushes, locks, rollbacks, promotions, status, history and live events of a Cascade resource repo.' },
  servers: [{ url: '/api/v1' }],
  paths: {
    '/versions': { post: withResponses(write('pushVersion', 'Publish a version of a resource (CI)', 'versions:write', 'PushVersionRequest', 'PushVersionResponse', PUSH_DESCRIPTION), PUSH_REFUSALS) },
    '/locks': {
      post: write('lock', 'Lock an environment or one resource in it', 'locks:write', 'LockRequest', 'LockResponse'),
      delete: write('unlock', 'Remove one lock reason, or all', 'locks:write', 'UnlockRequest', 'LockResponse'),
    },
    '/rollbacks': { post: write('rollback', 'Put an earlier version back and lock the resource there', 'rollbacks:write', 'RollbackRequest', 'RollbackResponse', 'Sticky: the resource stays locked in the environment until unlocked, so the next transition does not undo the rollback.') },
    '/promotions': {
      post: {
        ...write('promote', 'Run a transition now through the transitioner', 'promotions:write', 'PromotionRequest', 'PromotionResponse'),
        responses: { '200': { description: "The transitioner's answer", content: json(ref('PromotionResponse')) }, ...writeErrors, '502': error('The transitioner failed') },
      },
    },
    '/status': { get: read('getStatus', 'Repo analysis merged with the deployer and transitioner statuses', ref('AggregatorStatus')) },
    '/whoami': {
      get: read('whoami', "The caller's identity: token name, role and the role's permissions", ref('WhoamiResponse'), {
        description: 'Lets a client (the dashboard) offer only what the role may do. Without a token and with anonymous read on, the anonymous viewer.',
        responses: { '200': { description: 'OK', content: json(ref('WhoamiResponse')) }, '401': error('No valid bearer token (and anonymous read is off)') },
      }),
    },
    '/history': {
      get: read('getHistory', 'Commits of the branch, newest first, paged', ref('HistoryPage'), {
        parameters: [
          { name: 'env', in: 'query', description: 'Only commits touching this environment', schema: ENV },
          { name: 'resource', in: 'query', description: 'Only commits touching this resource', schema: RESOURCE },
          { name: 'type', in: 'query', description: `Only commits of this type (${COMMIT_TYPES.join(', ')})`, schema: { type: 'string', enum: [...COMMIT_TYPES] } },
          { name: 'limit', in: 'query', description: 'Page size (default 50)', schema: { type: 'integer', minimum: 1, maximum: 200 } },
          { name: 'cursor', in: 'query', description: 'nextCursor of the previous page', schema: name('^[0-9a-f]{40}$', 'Commit id') },
        ],
      }),
    },
    '/events': {
      get: read('getEvents', 'Live status as Server-Sent Events: a snapshot, then numbered deltas', { type: 'string', description: 'text/event-stream; each event `data` is a StatusEvent' }, {
        parameters: [{ name: 'Last-Event-ID', in: 'header', description: 'Last seq received; the missed deltas follow, or a snapshot', schema: str }],
        responses: { '200': { description: 'The event stream', content: { 'text/event-stream': { schema: ref('StatusEvent') } } }, '401': error('No valid bearer token') },
      }),
    },
    '/openapi.json': { get: { operationId: 'getOpenApi', summary: 'This document', 'x-cascade-permission': 'public', responses: { '200': { description: 'OK', content: json({ type: 'object' }) } } } },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from aggregator.tokens; its name becomes the commit author' } },
    schemas: {
      Error: { type: 'object', required: ['error'], properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: str, message: str, details: {} } } } },
      PushVersionRequest: {
        type: 'object',
        required: ['resource', 'version'],
        additionalProperties: false,
        properties: {
          resource: RESOURCE,
          version: { type: 'string', maxLength: 128 },
          env: { ...ENV, description: "Default: the pipeline's entry environment, when there is exactly one. A ci token may name only an entry environment or one of aggregator.ciEnvironments" },
          fields: { type: 'object', description: 'Further version-file keys; values stay values (never YAML text)' },
          changelog: { type: 'string', maxLength: 65536 },
          author: { type: 'object', required: ['name', 'email'], properties: { name: str, email: str } },
          lockOverride: { type: 'string', maxLength: 500, description: 'Operator or admin only: push into a locked environment or resource anyway, for this reason (one line), recorded as the Cascade-Lock-Override trailer' },
        },
      },
      PushVersionResponse: { type: 'object', required: ['status', 'commit', 'resource', 'env', 'version'], properties: { status: writeStatus, commit: str, resource: str, env: str, version: str } },
      LockRequest: { type: 'object', required: ['env', 'reason'], additionalProperties: false, properties: { env: ENV, resource: RESOURCE, reason: { type: 'string', maxLength: 500 } } },
      UnlockRequest: { type: 'object', required: ['env'], additionalProperties: false, properties: { env: ENV, resource: RESOURCE, reason: { type: 'string', description: 'Absent: remove every reason' } } },
      LockResponse: { type: 'object', required: ['status', 'commit', 'env', 'reasons'], properties: { status: writeStatus, commit: str, env: str, resource: str, reasons: strings } },
      RollbackRequest: { type: 'object', required: ['env', 'resource', 'to'], additionalProperties: false, properties: { env: ENV, resource: RESOURCE, to: { type: 'string', description: 'A version the environment had, or a commit id' } } },
      RollbackResponse: {
        type: 'object',
        required: ['status', 'commit', 'env', 'resource', 'version', 'restoredFrom', 'lock', 'message'],
        properties: { status: writeStatus, commit: str, env: str, resource: str, version: str, restoredFrom: str, lock: { type: 'object', properties: { reason: str } }, message: str },
      },
      PromotionRequest: { type: 'object', required: ['transition'], additionalProperties: false, properties: { transition: str } },
      PromotionResponse: { type: 'object', required: ['transition', 'transitionerStatus', 'result'], properties: { transition: str, transitionerStatus: { type: 'integer' }, result: {} } },
      WhoamiResponse: {
        type: 'object',
        required: ['name', 'role', 'anonymous', 'permissions'],
        properties: {
          name: { type: 'string', description: "The token's name (the commit author), or `anonymous`" },
          role: { type: 'string', enum: ['viewer', 'ci', 'operator', 'admin'] },
          anonymous: { type: 'boolean' },
          permissions: { type: 'array', items: { type: 'string', enum: [...PERMISSIONS] } },
        },
      },
      AggregatorStatus: {
        type: 'object',
        description: 'See common/src/api/status.ts. Each `resources[].envs[<env>]` is a ResourceInEnv; `deployer.status.environments[].errors` are errors about a whole environment (`prune-held`, `namespace-not-allowed`, `unknown-target`, `inventory-write-failed`, `internal-error`).',
        required: ['commit', 'environments', 'resources', 'transitions', 'problems', 'deployer', 'transitioner'],
      },
      ResourceInEnv: {
        type: 'object',
        description: 'One resource in one environment, as the repo defines it',
        required: ['kind', 'lockReasons', 'locked'],
        properties: {
          kind: { type: 'string', enum: ['template', 'deployable', 'unreleased', 'versionOnly'] },
          version: { type: 'string', description: "The version in the environment's version file, when it has a valid one" },
          fields: { type: 'object', description: 'Every key of the version file; keys that name secrets are redacted' },
          lockReasons: { ...strings, description: "Reasons of the resource's own lock" },
          locked: { type: 'boolean', description: "Its own lock or the environment's" },
          problems: { type: 'array', items: ref('ResourceProblem'), description: "Why the resource's own files cannot be read (a symlink, over 5 MB, not UTF-8, a broken version file, defined twice): not deployed here, its live objects stay. Absent when there are none" },
        },
      },
      ResourceProblem: {
        type: 'object',
        required: ['file', 'code', 'message'],
        properties: {
          file: { type: 'string', description: 'Repo path of the file to change' },
          line: { type: 'integer', minimum: 1, description: '1-based, when the problem has a position in the file' },
          col: { type: 'integer', minimum: 1, description: '1-based, when the problem has a position in the file' },
          code: { type: 'string', description: 'Stable code, e.g. `symlink`, `too-large`, `yaml-syntax`, `duplicate-resource`' },
          message: { type: 'string', description: 'A sentence a person can act on; never holds a secret value' },
        },
      },
      HistoryEntry: { type: 'object', description: 'See common/src/api/history.ts', required: ['commit', 'type', 'author', 'time', 'subject', 'body', 'environments', 'resources', 'versions'] },
      HistoryPage: { type: 'object', required: ['entries', 'nextCursor'], properties: { entries: { type: 'array', items: ref('HistoryEntry') }, nextCursor: { type: ['string', 'null'] } } },
      StatusEvent: { description: 'See common/src/api/events.ts', oneOf: [{ type: 'object', properties: { type: { const: 'snapshot' }, seq: { type: 'integer' }, status: ref('AggregatorStatus') } }, { type: 'object', properties: { type: { const: 'delta' }, seq: { type: 'integer' }, delta: { type: 'object' } } }] },
    },
  },
};
