// @cascade/common/testing: seeded repo mutations for fuzz tests, shared by the unit and integration suites.
export { createPrng, type Prng } from './prng.ts';
export { CONTENT_MUTATIONS, BUILTIN_PLACEHOLDERS, mutateContent, type ContentMutationKind } from './content-mutations.ts';
export { REPO_MUTATIONS, mutateRepo, describeMutations, touchedResources, heldEnvironments, mutatedPaths } from './repo-mutations.ts';
export type { MutatedRepo, MutateOptions, RepoMutation, RepoMutationKind, ResourceRef } from './repo-mutations.ts';
export { fixtureFiles } from './fixture-files.ts';
export { bytesKeptBy, bytesKeptFrom, heapAfterCollection, uniqueText } from './retained.ts';
