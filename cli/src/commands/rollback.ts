// `cascade rollback ENV RESOURCE --to VERSION|COMMIT` (or `--env dev,pp RESOURCE`): put an earlier version back; the
// resource stays locked there. Several environments are one commit, so a downgrade that reached pp goes back with dev's.
import type { CAC } from 'cac';
import { AggregatorClient } from '../client/aggregator-client.ts';
import { rawOptionValue } from '../client/argv.ts';
import { shortCommit } from '../client/table.ts';
import { CliError } from '../errors.ts';
import type { CommandResult } from '../main.ts';
import { outputFormat, printJson, type Io } from '../output.ts';

/** Sends the rollback to the aggregator and prints its answer. */
export async function rollback(cli: CAC, io: Io, first: string | undefined, second: string | undefined, options: { output: string }): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const { envs, resource } = rollbackPlaces(first, second, rawOptionValue(cli, 'env'));
  const to = rawOptionValue(cli, 'to');
  if (!to) throw new CliError('rollback needs --to', 'Name the version (--to 1.4.1) or a commit (--to 3f2a9c1) to restore; cascade history --env ENV --resource NAME lists them.', 'missing-target', 2);
  const [env, ...alsoIn] = envs as [string, ...string[]];
  const answer = await AggregatorClient.fromEnv().rollback({ env, resource, to, ...(alsoIn.length > 0 ? { alsoIn } : {}) });
  if (format === 'json') printJson(io, answer);
  else {
    io.out(answer.status === 'created' ? `rolled back: commit ${shortCommit(answer.commit)}` : 'nothing to do: it already was so');
    io.out(answer.message);
    io.out(`to resume promotion: ${envs.map((e) => `cascade unlock ${e} ${resource} --reason "${answer.lock.reason}"`).join('; ')}`);
  }
  return { exitCode: 0 };
}

/** The environments and the resource from `ENV RESOURCE` or `--env a,b RESOURCE`; a usage error (exit 2) otherwise. */
export function rollbackPlaces(first: string | undefined, second: string | undefined, envOption: string | undefined): { envs: string[]; resource: string } {
  const usage = (message: string) => new CliError(message, 'cascade rollback ENV RESOURCE --to VERSION, or cascade rollback --env dev,pp RESOURCE --to VERSION', 'usage', 2);
  const split = (list: string) => [...new Set(list.split(',').map((env) => env.trim()).filter((env) => env !== ''))];
  if (envOption !== undefined) {
    if (second !== undefined) throw usage('name the environments either as ENV or with --env, not both');
    if (first === undefined) throw usage('rollback needs a RESOURCE');
    const envs = split(envOption);
    if (envs.length === 0) throw usage('--env needs at least one environment');
    return { envs, resource: first };
  }
  if (first === undefined || second === undefined) throw usage('rollback needs an ENV and a RESOURCE');
  return { envs: split(first), resource: second };
}
