// `cascade status [ENV]`: the version of every resource in every environment, locks, rollout and the services' health.
import type { AggregatorStatus, LockOriginView, PeerStatus } from '@cascade/common/api';
import type { RolloutState } from '@cascade/common/status';
import { rolloutWords, versionFieldRows } from '@cascade/common/api';
import { AggregatorClient } from '../client/aggregator-client.ts';
import { formatTable, shortCommit } from '../client/table.ts';
import { unknownNameError } from '../client/unknown-name.ts';
import { CliError } from '../errors.ts';
import { waitingTable } from './status-waiting.ts';
import type { CommandResult } from '../main.ts';
import { outputFormat, printJson, type Io } from '../output.ts';

/** Reads the status from the aggregator and prints it. */
export async function status(io: Io, env: string | undefined, options: { output: string; fields?: boolean }): Promise<CommandResult> {
  const format = outputFormat(options.output);
  if (options.fields && env === undefined) throw new CliError('--fields needs an environment', 'Run cascade status ENV --fields.', 'bad-argument', 2);
  const answer = await AggregatorClient.fromEnv().status();
  if (env !== undefined && !answer.environments.some((e) => e.name === env)) {
    throw unknownNameError(env, answer.environments.map((e) => e.name), `environment "${env}" does not exist`, 'unknown-environment');
  }
  if (format === 'json') {
    printJson(io, env === undefined ? answer : environmentOnly(answer, env));
    return { exitCode: 0 };
  }
  io.out(`commit ${shortCommit(answer.commit)}   deployer: ${peer(answer.deployer)}   transitioner: ${peer(answer.transitioner)}`);
  io.out('');
  io.out(env === undefined ? matrix(answer) : environmentTable(answer, env));
  // What waits to come in, and why not yet: the transitioner's conditions in the dashboard's words.
  if (answer.transitions.some((t) => env === undefined || t.target === env)) io.out(`\n${waitingTable(answer, new Date(), env)}`);
  // Values print only when asked: even an admin's terminal or CI log need not show secret config by default.
  if (env !== undefined && options.fields) io.out(`\n${fieldsTable(answer, env)}`);
  // Errors about a whole environment (an unknown target, a refused namespace, pruning held) belong to no resource row.
  const deployed = answer.deployer.state === 'ok' ? answer.deployer.status.environments : [];
  for (const e of deployed.filter((d) => env === undefined || d.env === env)) {
    for (const error of e.errors ?? []) io.out(`\n${e.env}: ${error.code}: ${error.message}`);
  }
  const errors = answer.problems.filter((p) => p.severity === 'error' && (env === undefined || p.env === env));
  if (errors.length > 0) io.out(`\n${errors.length} problem(s) in the repo: run cascade validate for details`);
  return { exitCode: 0 };
}

/** Resources × environments, with lock markers and a line per locked environment. */
function matrix(status: AggregatorStatus): string {
  const envs = status.environments.map((e) => e.name);
  const deployed = status.deployer.state === 'ok' ? status.deployer.status.environments : [];
  const rollout = (env: string, resource: string) => deployed.find((e) => e.env === env)?.resources.find((r) => r.name === resource);
  const rows = status.resources.map((r) => [r.name, ...envs.map((env) => cell(r.envs[env], rollout(env, r.name)))]);
  const locks = status.environments.filter((e) => e.lockReasons.length > 0).map((e) => `${e.name} is locked: ${lockWords(e.lockReasons, e.lockOrigins)}`);
  // `[locked]` keeps the table narrow; the reasons with who locked and when follow, one line per locked resource.
  for (const r of status.resources) {
    for (const env of envs) {
      const state = r.envs[env];
      if (state && state.lockReasons.length > 0) locks.push(`${r.name} in ${env} is locked: ${lockWords(state.lockReasons, state.lockOrigins)}`);
    }
  }
  const header = envs.map((env) => {
    const state = deployed.find((e) => e.env === env)?.state;
    return state ? `${env.toUpperCase()} (${rolloutWords(state)})` : env.toUpperCase();
  });
  return [formatTable(['RESOURCE', ...header], rows), ...(locks.length > 0 ? ['', ...locks] : [])].join('\n');
}

/** One environment: version, rollout state from the deployer, lock reasons. */
function environmentTable(status: AggregatorStatus, env: string): string {
  const view = status.environments.find((e) => e.name === env);
  const deployed = status.deployer.state === 'ok' ? status.deployer.status.environments.find((e) => e.env === env) : undefined;
  const rows = status.resources
    .filter((r) => r.envs[env])
    .map((r) => {
      const state = r.envs[env];
      const live = deployed?.resources.find((d) => d.name === r.name);
      return [r.name, versionText(state), live ? rolloutWords(live.state, live.reason) : '-', state && state.lockReasons.length > 0 ? lockWords(state.lockReasons, state.lockOrigins) : '-'];
    });
  const header = view && view.lockReasons.length > 0 ? `${env} is locked: ${lockWords(view.lockReasons, view.lockOrigins)}\n\n` : '';
  const rollout = deployed ? `deployed commit ${shortCommit(deployed.commit)}, ${rolloutWords(deployed.state)}\n\n` : '';
  return header + rollout + formatTable(['RESOURCE', 'VERSION', 'ROLLOUT', 'LOCK'], rows);
}

/** Lock reasons with who locked and when, where the status knows: `release freeze (by Dana, 2026-12-02 08:00 UTC)`. */
function lockWords(reasons: readonly string[], origins: readonly LockOriginView[] = []): string {
  return reasons
    .map((reason) => {
      const origin = origins.find((candidate) => candidate.reason === reason);
      // UTC with the zone named: a CI log is read from anywhere.
      return origin ? `${reason} (by ${origin.by}, ${origin.at.slice(0, 16).replace('T', ' ')} UTC)` : reason;
    })
    .join('; ');
}

/** An encrypted value as the table shows it: never the value, only who set it. */
function secretText(secret: { setBy?: string; setAt?: string }): string {
  return `(secret${secret.setBy ? `, set by ${secret.setBy}` : ''}${secret.setAt ? ` on ${secret.setAt.slice(0, 10)}` : ''})`;
}

/** Every version-file key of the environment's resources; a value withheld from this token reads (hidden), an encrypted one (secret). */
function fieldsTable(status: AggregatorStatus, env: string): string {
  const rows = status.resources.flatMap((r) => versionFieldRows(r.envs[env]).map((field) => [r.name, field.key, field.secret ? secretText(field.secret) : field.hidden ? '(hidden)' : oneLine(field.value)]));
  return formatTable(['RESOURCE', 'KEY', 'VALUE'], rows);
}

/** A value on one table line: multi-line text is shown JSON-quoted. */
function oneLine(value: string): string {
  return /[\r\n]/.test(value) ? JSON.stringify(value) : value;
}

/** A matrix cell: the version, the rollout in words when it is not Clean, and a lock mark. */
function cell(state: AggregatorStatus['resources'][number]['envs'][string] | undefined, live: { state: RolloutState; reason?: string } | undefined): string {
  if (!state) return '-';
  const version = versionText(state);
  const rollout = live && live.state !== 'Clean' ? ` ${rolloutWords(live.state, live.reason)}` : '';
  return `${version}${rollout}${state.lockReasons.length > 0 ? ' [locked]' : ''}`;
}

/** The version, or in words why there is none: a complete manifest has no version file, a base alone is not released yet. */
function versionText(state: { version?: string; kind: string } | undefined): string {
  if (state?.version !== undefined) return state.version;
  return state?.kind === 'unreleased' ? '(not released)' : '(no version)';
}

function peer(status: PeerStatus<unknown>): string {
  if (status.state === 'ok') return 'ok';
  if (status.state === 'unknown') return 'not polled yet';
  return `unreachable since ${status.since} (${status.message})`;
}

/** The status narrowed to one environment, for scripts. */
function environmentOnly(status: AggregatorStatus, env: string): unknown {
  return {
    commit: status.commit,
    environment: status.environments.find((e) => e.name === env),
    resources: status.resources.filter((r) => r.envs[env]).map((r) => ({ name: r.name, ...r.envs[env] })),
    deployer: status.deployer.state === 'ok' ? { state: 'ok', environment: status.deployer.status.environments.find((e) => e.env === env) } : status.deployer,
    problems: status.problems.filter((p) => p.env === env),
  };
}
