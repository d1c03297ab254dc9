// `cascade validate`: every problem of the resource repo as file:line:col, exit 1 on any error.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkDeployerTargets, checkStagingTargets, checkTargetPolicies, compareProblems, formatProblem, parseSnapshot, scriptEnvironments, validateSnapshot } from '@cascade/common';
import type { CascadeConfig } from '@cascade/common/config';
import { loadRepoFiles } from '../repo-source.ts';
import { identityFiles, openKeyring } from '../age-identity.ts';
import type { CrashOutput } from '../crash-output.ts';
import { loadServiceConfig } from '../service-config.ts';
import { outputFormat, printJson, type Io } from '../output.ts';
import type { CommandResult } from '../main.ts';
import { DEFAULT_CONFIG } from '../command-line.ts';

/** Options of the validate command. */
export interface ValidateOptions {
  repo: string;
  ref?: string;
  config?: string;
  output: string;
  ageIdentity?: string | string[];
}

/** Runs validation and prints the problems. */
export async function validate(options: ValidateOptions, io: Io, crash: CrashOutput): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const config = await deployerConfig(options.config, io);
  const snapshot = parseSnapshot(await loadRepoFiles(options));
  // Targets live in the deployer's config, never in the repo, so only the config can tell a typo in deployers.yaml,
  // or an object the target's policy refuses (judged with the built-in kinds' scopes, since no cluster is asked).
  const targetProblems = config ? [...checkDeployerTargets(snapshot, config.targets), ...checkTargetPolicies(snapshot, config.targets), ...checkStagingTargets(snapshot, config.targets)] : [];
  // A control script reads its environment's version files as they are: only the config can tell them apart.
  const scripted = config ? scriptEnvironments(snapshot, config.targets) : new Set<string>();
  // Without an identity encrypted files are checked for their structure; with one, that they decrypt and render.
  const identities = identityFiles(options.ageIdentity);
  const keyring = identities.length > 0 ? await openKeyring(identities, snapshot, [...snapshot.environments.keys()], crash) : undefined;
  const checked = validateSnapshot(snapshot, new Map(), keyring ? { secrets: keyring } : {});
  const repoProblems = (keyring ? keyring.scrub(checked) : checked).filter((p) => !(p.code === 'missing-base' && p.env !== undefined && scripted.has(p.env)));
  const problems = [...repoProblems, ...targetProblems].sort(compareProblems);
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (format === 'json') {
    printJson(io, { commit: snapshot.commit, config: config?.file ?? null, errors, warnings: problems.length - errors, problems });
  } else {
    for (const problem of problems) io.out(formatProblem(problem));
    const resources = [...snapshot.environments.values()].reduce((n, env) => n + env.resources.size, 0);
    const checked = config ? ` (targets of ${config.file})` : '';
    const stagings = snapshot.stagings.size > 0 ? `, ${snapshot.stagings.size} stagings` : '';
    io.err(`${snapshot.environments.size} environments, ${resources} resources${stagings}${checked}: ${errors} errors, ${problems.length - errors} warnings`);
  }
  return { exitCode: errors > 0 ? 1 : 0 };
}

/** The config named by --config, else the default file when it exists; its problems are printed like the service commands do. */
async function deployerConfig(file: string | undefined, io: Io): Promise<CascadeConfig | undefined> {
  if (file !== undefined) return loadServiceConfig(String(file), io);
  return existsSync(resolve(DEFAULT_CONFIG)) ? loadServiceConfig(DEFAULT_CONFIG, io) : undefined;
}
