// The staging lifecycle decided on in-memory snapshots: every rule, hand-edited files, and what must never happen.
import { describe, expect, it } from 'vitest';
import { parseSnapshot, repoFilesFromText, type DeployerStatus, type StagingPhase } from '@cascade/common';
import type { DeployerView } from './observations.ts';
import { nextDueTime } from './next-due.ts';
import { decideStaging, decideStagingLifecycle, needsChangeTime, type LifecycleDecision, type StagingObservations } from './staging-lifecycle.ts';

const NOW = new Date('2024-03-01T12:00:00.000Z');
const DAY = 86_400_000;
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

const KINDS = `stagings:
  feature: { template: dev, target: local, archiveAfter: 7d, retention: 14d }
  demo: { template: dev, target: local }
`;

/** A snapshot with the kinds above and one staging file `stagings/x.yaml`. */
function snapshotWith(file: string, kinds = KINDS) {
  return parseSnapshot(repoFilesFromText('c1', { 'stagings.yaml': kinds, 'stagings/x.yaml': file }));
}

/** The deployer reporting staging x in `phase`, or reporting no stagings at all. */
function deployerSays(phase?: StagingPhase, extra: Partial<DeployerStatus> = {}): DeployerView {
  const stagings = phase === undefined ? [] : [{ name: 'x', kind: 'feature', tag: 'abc', phase, links: [], resources: [], errors: [] }];
  return { kind: 'Reported', status: { environments: [], stagings, ...extra } };
}

/** Observations: the deployer as given, x's file last changed `changedDaysAgo` days ago, x's report current unless told otherwise. */
function observed(deployer: DeployerView = deployerSays(), changedDaysAgo?: number, reportedAtHead = true): StagingObservations {
  return { deployer, changedAt: new Map(changedDaysAgo === undefined ? [] : [['x', new Date(ago(changedDaysAgo))]]), reportedAtHead: new Set(reportedAtHead ? ['x'] : []) };
}

function decide(file: string, facts: StagingObservations = observed()): LifecycleDecision {
  const snapshot = snapshotWith(file);
  return decideStaging(snapshot.stagings.get('x')!, snapshot, facts, NOW);
}

/** The decision in short: `Act archive`, `Later cleanup 2024-…`, `Waiting remove: …`, `Stuck: …`, `Idle`. */
function brief(decision: LifecycleDecision): string {
  if (decision.kind === 'Act') return `Act ${decision.action}`;
  if (decision.kind === 'Later') return `Later ${decision.action} ${decision.at.toISOString()}`;
  if (decision.kind === 'Waiting') return `Waiting ${decision.action}: ${decision.reason}`;
  if (decision.kind === 'Stuck') return `Stuck${decision.action ? ` ${decision.action}` : ''}: ${decision.problem}`;
  return decision.kind;
}

describe('staging lifecycle decisions', () => {
  const cases: Array<[string, string, StagingObservations, string]> = [
    ['active, updated 8 days ago: archive', `kind: feature\ntag: abc\nupdatedAt: ${ago(8)}\n`, observed(), 'Act archive'],
    ['active, updated exactly 7 days ago: archive', `kind: feature\ntag: abc\nupdatedAt: ${ago(7)}\n`, observed(), 'Act archive'],
    ['active, updated 6 days ago: archive a day later', `kind: feature\ntag: abc\nupdatedAt: ${ago(6)}\n`, observed(), `Later archive ${ago(-1)}`],
    ['active, updatedAt wins over a newer commit', `kind: feature\ntag: abc\nupdatedAt: ${ago(8)}\n`, observed(deployerSays(), 1), 'Act archive'],
    ['hand-written without updatedAt, file changed 8 days ago: archive', 'kind: feature\ntag: abc\n', observed(deployerSays(), 8), 'Act archive'],
    ['hand-written without updatedAt, file changed a day ago', 'kind: feature\ntag: abc\n', observed(deployerSays(), 1), `Later archive ${ago(-6)}`],
    ['hand-written without updatedAt and no commit found', 'kind: feature\ntag: abc\n', observed(), 'Stuck archive: cannot tell when stagings/x.yaml was last updated: it has no updatedAt and no commit on the branch changed it'],
    ['active, kind without archiveAfter: never archived', `kind: demo\ntag: abc\nupdatedAt: ${ago(400)}\n`, observed(), 'Idle'],
    ['archived 15 days ago: clean up', `kind: feature\ntag: abc\nstate: archived\narchivedAt: ${ago(15)}\n`, observed(), 'Act cleanup'],
    ['archived 13 days ago: clean up a day later', `kind: feature\ntag: abc\nstate: archived\narchivedAt: ${ago(13)}\n`, observed(), `Later cleanup ${ago(-1)}`],
    ['kind without archiveAfter still cleans up after the default 14 days', `kind: demo\ntag: abc\nstate: archived\narchivedAt: ${ago(15)}\n`, observed(), 'Act cleanup'],
    ['archived by hand without archivedAt, 15 days ago: clean up', 'kind: feature\ntag: abc\nstate: archived\n', observed(deployerSays(), 15), 'Act cleanup'],
    ['archived by hand without archivedAt, 2 days ago', 'kind: feature\ntag: abc\nstate: archived\n', observed(deployerSays(), 2), `Later cleanup ${ago(-12)}`],
    ['cleanup confirmed by the deployer: remove', 'kind: feature\ntag: abc\nstate: cleanup\n', observed(deployerSays('CleanedUp')), 'Act remove'],
    ['cleanup still running', 'kind: feature\ntag: abc\nstate: cleanup\n', observed(deployerSays('CleanupPending')), 'Waiting remove: the deployer reports CleanupPending'],
    ['cleanup not reported by the deployer', 'kind: feature\ntag: abc\nstate: cleanup\n', observed(deployerSays()), 'Waiting remove: the deployer has not reported x yet'],
    ['cleanup, deployer without stagings', 'kind: feature\ntag: abc\nstate: cleanup\n', observed({ kind: 'Reported', status: { environments: [] } }), 'Waiting remove: the deployer does not report stagings'],
    ['cleanup, deployer unreachable', 'kind: feature\ntag: abc\nstate: cleanup\n', observed({ kind: 'Unreachable', message: 'connection refused' }), 'Waiting remove: the deployer could not be asked: connection refused'],
    ['cleanup confirmed on a target the kind no longer names', 'kind: feature\ntag: abc\nstate: cleanup\n', observed(deployerSays('CleanedUp', { stagings: [{ name: 'x', kind: 'feature', target: 'old-cluster', tag: 'abc', phase: 'CleanedUp', links: [], resources: [], errors: [] }] })), 'Waiting remove: the deployer reports the cleanup on target old-cluster, but kind feature now names local'],
    ['cleanup confirmed on the kind\'s target: remove', 'kind: feature\ntag: abc\nstate: cleanup\n', observed(deployerSays('CleanedUp', { stagings: [{ name: 'x', kind: 'feature', target: 'local', tag: 'abc', phase: 'CleanedUp', links: [], resources: [], errors: [] }] })), 'Act remove'],
    ['cleanup confirmed for an earlier version of the file', 'kind: feature\ntag: abc\nstate: cleanup\n', observed(deployerSays('CleanedUp'), undefined, false), 'Waiting remove: the deployer confirmed the cleanup of an earlier version of stagings/x.yaml'],
    ['held (a problem in the file), however long ago', `kind: feature\ntag: abc\nstate: archived\narchivedAt: ${ago(100)}\ncolour: red\n`, observed(), 'Stuck: stagings/x.yaml:5:9: error: unknown key "colour"; expected one of kind, tag, versions, overrides, secrets, state, archivedAt, updatedAt, branch'],
    ['held while marked for cleanup, even when the deployer confirmed', 'kind: feature\ntag: abc\nstate: gone\n', observed(deployerSays('CleanedUp')), 'Stuck: stagings/x.yaml:3:8: error: "state" must be one of active, archived, cleanup'],
    ['unknown kind', `kind: preview\ntag: abc\nupdatedAt: ${ago(100)}\n`, observed(), 'Stuck: stagings.yaml has no usable kind "preview"'],
  ];
  it.each(cases)('%s', (_name, file, facts, expected) => {
    expect(brief(decide(file, facts))).toBe(expected);
  });

  it('archives by setting state and archivedAt, keeping comments and every other field, with a message saying why', () => {
    const file = `# checkout rework\nkind: feature\ntag: abc # the branch head\noverrides:\n  app: { FLAG: on }\nupdatedAt: ${ago(8)}\n`;
    expect(decide(file)).toEqual({
      kind: 'Act',
      action: 'archive',
      at: new Date(ago(1)),
      changes: { 'stagings/x.yaml': `# checkout rework\nkind: feature\ntag: abc # the branch head\noverrides:\n  app: { FLAG: on }\nupdatedAt: ${ago(8)}\nstate: archived\narchivedAt: "${NOW.toISOString()}"\n` },
      message: `Archive staging x: not updated for 7d\n\nKind feature archives a staging nobody updated for 7d; x was last updated ${ago(8)} (updatedAt).`,
    });
  });

  it('counts a hand-written file from the commit that last changed it, and says so', () => {
    const decision = decide('kind: feature\ntag: abc\n', observed(deployerSays(), 8));
    expect(decision).toMatchObject({ message: expect.stringContaining(`x was last updated ${ago(8)} (the last commit changing its file)`) });
  });

  it('marks for cleanup by changing only the state', () => {
    expect(decide(`kind: feature\ntag: abc\n# archived by hand\nstate: archived\narchivedAt: ${ago(15)}\n`)).toEqual({
      kind: 'Act',
      action: 'cleanup',
      at: new Date(ago(1)),
      changes: { 'stagings/x.yaml': `kind: feature\ntag: abc\n# archived by hand\nstate: cleanup\narchivedAt: ${ago(15)}\n` },
      message: `Clean up staging x: archived for 14d\n\nKind feature keeps an archived staging for 14d; x was archived ${ago(15)} (archivedAt).`,
    });
  });

  it('removes the file once the deployer confirms, naming the commit it cleaned up from', () => {
    const facts = observed(deployerSays('CleanedUp', { stagings: [{ name: 'x', kind: 'feature', tag: 'abc', phase: 'CleanedUp', commit: '0123456789abcdef0123', links: [], resources: [], errors: [] }] }));
    expect(decide('kind: feature\ntag: abc\nstate: cleanup\n', facts)).toEqual({
      kind: 'Act',
      action: 'remove',
      changes: { 'stagings/x.yaml': null },
      message: 'Remove staging x: cleaned up\n\nThe deployer confirmed that the target removed everything of x (at 0123456789ab).',
    });
  });

  it('reports a SOPS file whose MAC covers plain values as stuck instead of breaking it', () => {
    const file = `kind: feature\ntag: abc\nupdatedAt: ${ago(8)}\nsops:\n  mac: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\n  version: 3.9.0\n`;
    expect(brief(decide(file))).toMatch(/^Stuck archive: stagings\/x\.yaml: cannot edit the file: .*mac_only_encrypted/);
  });

  it('decides every staging of the snapshot in name order', () => {
    const snapshot = parseSnapshot(
      repoFilesFromText('c1', {
        'stagings.yaml': KINDS,
        'stagings/b.yaml': `kind: feature\ntag: abc\nupdatedAt: ${ago(8)}\n`,
        'stagings/a.yaml': `kind: demo\ntag: abc\n`,
      }),
    );
    const plans = decideStagingLifecycle(snapshot, observed(), NOW);
    expect(plans.map(({ staging, decision }) => `${staging.name}: ${brief(decision)}`)).toEqual(['a: Idle', 'b: Act archive']);
  });
});

describe('which stagings need the time their file last changed', () => {
  const kinds = snapshotWith('kind: feature\ntag: abc\n').stagingKinds;
  const cases: Array<[string, string, boolean]> = [
    ['active without updatedAt, kind archives', 'kind: feature\ntag: abc\n', true],
    ['active with updatedAt', `kind: feature\ntag: abc\nupdatedAt: ${ago(1)}\n`, false],
    ['active, kind never archives', 'kind: demo\ntag: abc\n', false],
    ['archived without archivedAt', 'kind: feature\ntag: abc\nstate: archived\n', true],
    ['archived with archivedAt', `kind: feature\ntag: abc\nstate: archived\narchivedAt: ${ago(1)}\n`, false],
    ['marked for cleanup', 'kind: feature\ntag: abc\nstate: cleanup\n', false],
    ['unknown kind', 'kind: preview\ntag: abc\n', false],
    ['held', 'kind: feature\ntag: abc\ncolour: red\n', false],
  ];
  it.each(cases)('%s: %s', (_name, file, expected) => {
    const staging = snapshotWith(file).stagings.get('x')!;
    expect(needsChangeTime(staging, kinds.get(staging.kind))).toBe(expected);
  });
});

describe('the next due time', () => {
  const transitions = [
    { name: 'prod', source: 'pp', target: 'prod', preconditions: [], schedule: '0 6 * * *' },
    { name: 'pp', source: 'dev', target: 'pp', preconditions: [] },
  ];
  const later = (at: string) => ({ staging: snapshotWith('kind: feature\ntag: abc\n').stagings.get('x')!, decision: { kind: 'Later' as const, action: 'archive' as const, at: new Date(at) } });

  it('is the soonest future window or staging step', () => {
    const state = { prod: { nextRun: '2024-03-02T06:00:00.000Z' } };
    expect(nextDueTime({ transitions, transitionState: state }, [later('2024-03-01T18:00:00.000Z')], NOW)).toEqual(new Date('2024-03-01T18:00:00.000Z'));
    expect(nextDueTime({ transitions, transitionState: state }, [later('2024-03-05T00:00:00.000Z')], NOW)).toEqual(new Date('2024-03-02T06:00:00.000Z'));
  });

  it('leaves out what is due already and what has no time', () => {
    const state = { prod: { nextRun: '2024-03-01T06:00:00.000Z' }, pp: { nextRun: '2024-03-01T13:00:00.000Z' } };
    // pp has no schedule (any more): its stored window means nothing.
    expect(nextDueTime({ transitions, transitionState: state }, [later(NOW.toISOString())], NOW)).toBeUndefined();
  });

  it("is the end of a transition's soak time, counted from when its source's versions last changed", () => {
    const soaking = [{ name: 'pp', source: 'dev', target: 'pp', preconditions: [{ kind: 'SoakTime' as const, minutes: 30 }] }];
    const since = (at: string) => ({ versionsSince: new Map([['dev', new Date(at)]]) });
    const minutesAfterNow = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
    expect(nextDueTime({ transitions: soaking, transitionState: {} }, [], NOW, since(minutesAfterNow(-10).toISOString()))).toEqual(minutesAfterNow(20));
    // Soaked already: nothing to wake for.
    expect(nextDueTime({ transitions: soaking, transitionState: {} }, [], NOW, since(minutesAfterNow(-40).toISOString()))).toBeUndefined();
    // Without observations (a manual run) or a time for the source, no soak end is known.
    expect(nextDueTime({ transitions: soaking, transitionState: {} }, [], NOW)).toBeUndefined();
    expect(nextDueTime({ transitions: soaking, transitionState: {} }, [], NOW, { versionsSince: new Map() })).toBeUndefined();
  });
});
