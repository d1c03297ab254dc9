// `@cascade/git-fixture`: git repositories described as YAML lists of named commits, for tests.
export { createFixture, FixtureMismatchError } from './fixture.ts';
export type { GitFixture } from './fixture.ts';
export { loadFixtureSpec, checkFixtureSpec, FixtureSpecError } from './spec.ts';
export type { FixtureSpec, FixtureCommit, FixtureFileContent } from './spec.ts';
export { startPersonPushing, type PersonResult } from './person.ts';
