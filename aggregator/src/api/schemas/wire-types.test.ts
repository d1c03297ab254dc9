// The CLI and the dashboard compile against the hand-written wire types in `@cascade/common/api` (zod stays out of
// the dashboard's bundle); the API checks requests with these schemas. The compiler keeps the two from drifting:
// a change to either side that the other does not follow fails `tsc`, and this file with it.
import { describe, expect, it } from 'vitest';
import type { z } from '@hono/zod-openapi';
import type {
  AggregatorStatus,
  ArchiveBranchRequest,
  AuthorInput,
  CreateStagingRequest,
  DeployStagingRequest,
  EnvVersions,
  ErrorBody,
  HistoryPage,
  HistoryQuery,
  LockRequest,
  LockResponse,
  PromotionRequest,
  PromotionResponse,
  PushVersionRequest,
  PushVersionResponse,
  RollbackRequest,
  SignInOptions,
  RollbackResponse,
  StagingActionLog,
  StagingDetail,
  StagingList,
  StagingView,
  StagingWriteResponse,
  StreamEvent,
  UnlockRequest,
  UpdateStagingRequest,
  WhoamiResponse,
} from '@cascade/common/api';
import type { author } from './fields.ts';
import type { EnvVersionsQuerySchema, HistoryQuerySchema, LockRequestSchema, PromotionRequestSchema, PushVersionRequestSchema, RollbackRequestSchema, UnlockRequestSchema } from './requests.ts';
import type {
  AggregatorStatusSchema,
  EnvVersionsSchema,
  ErrorBodySchema,
  HistoryPageSchema,
  LockResponseSchema,
  PromotionResponseSchema,
  PushVersionResponseSchema,
  RollbackResponseSchema,
  SignInOptionsSchema,
  StagingViewSchema,
  StatusEventSchema,
  WhoamiResponseSchema,
} from './responses.ts';
import type { ArchiveBranchRequestSchema, CreateStagingRequestSchema, DeployStagingRequestSchema, UpdateStagingRequestSchema } from './staging-requests.ts';
import type { StagingActionLogSchema, StagingDetailSchema, StagingListSchema, StagingWriteResponseSchema } from './staging-responses.ts';

/** `true` when each type is assignable to the other, `false` otherwise. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** `true` when a value of `A` is a valid `B`. */
type Fits<A, B> = [A] extends [B] ? true : false;
type Parsed<S extends z.ZodType> = z.output<S>;

// What a handler gets from a request schema is exactly what a client sends by the common type.
const requests: Record<string, true> = {
  author: true satisfies Same<Parsed<ReturnType<typeof author>>, AuthorInput>,
  pushVersion: true satisfies Same<Parsed<typeof PushVersionRequestSchema>, PushVersionRequest>,
  lock: true satisfies Same<Parsed<typeof LockRequestSchema>, LockRequest>,
  unlock: true satisfies Same<Parsed<typeof UnlockRequestSchema>, UnlockRequest>,
  rollback: true satisfies Same<Parsed<typeof RollbackRequestSchema>, RollbackRequest>,
  promotion: true satisfies Same<Parsed<typeof PromotionRequestSchema>, PromotionRequest>,
  history: true satisfies Same<Parsed<typeof HistoryQuerySchema>, HistoryQuery>,
  envVersions: true satisfies Same<Parsed<typeof EnvVersionsQuerySchema>, { env: string; resource: string }>,
  createStaging: true satisfies Same<Parsed<typeof CreateStagingRequestSchema>, CreateStagingRequest>,
  deployStaging: true satisfies Same<Parsed<typeof DeployStagingRequestSchema>, DeployStagingRequest>,
  updateStaging: true satisfies Same<Parsed<typeof UpdateStagingRequestSchema>, UpdateStagingRequest>,
  archiveBranch: true satisfies Same<Parsed<typeof ArchiveBranchRequestSchema>, ArchiveBranchRequest>,
};

// Answers described in full match their common type both ways; the others are described to the parts a client acts
// on, so the common type must fit the schema (and the schema, where it is narrower, the common type).
const responses: Record<string, true> = {
  error: true satisfies Same<Parsed<typeof ErrorBodySchema>, ErrorBody>,
  pushVersion: true satisfies Same<Parsed<typeof PushVersionResponseSchema>, PushVersionResponse>,
  lock: true satisfies Same<Parsed<typeof LockResponseSchema>, LockResponse>,
  rollback: true satisfies Same<Parsed<typeof RollbackResponseSchema>, RollbackResponse>,
  envVersions: true satisfies Same<Parsed<typeof EnvVersionsSchema>, EnvVersions>,
  history: true satisfies Same<Parsed<typeof HistoryPageSchema>, HistoryPage>,
  whoami: true satisfies Fits<Parsed<typeof WhoamiResponseSchema>, WhoamiResponse>,
  signIn: true satisfies Same<Parsed<typeof SignInOptionsSchema>, SignInOptions>,
  promotion: true satisfies Fits<PromotionResponse, Parsed<typeof PromotionResponseSchema>>,
  status: true satisfies Fits<AggregatorStatus, Parsed<typeof AggregatorStatusSchema>>,
  event: true satisfies Fits<StreamEvent, Parsed<typeof StatusEventSchema>>,
  stagingView: true satisfies Same<Parsed<typeof StagingViewSchema>, StagingView>,
  stagingList: true satisfies Same<Parsed<typeof StagingListSchema>, StagingList>,
  stagingWrite: true satisfies Same<Parsed<typeof StagingWriteResponseSchema>, StagingWriteResponse>,
  stagingDetail: true satisfies Fits<StagingDetail, Parsed<typeof StagingDetailSchema>>,
  stagingActionLog: true satisfies Same<Parsed<typeof StagingActionLogSchema>, StagingActionLog>,
};

describe('the wire types of @cascade/common/api and the API schemas', () => {
  it('agree for every request and the answers described in full (checked by the compiler)', () => {
    expect(Object.keys(requests)).toHaveLength(12);
    expect(Object.keys(responses)).toHaveLength(16);
  });
});
