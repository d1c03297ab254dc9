// `cascade lock ENV [RESOURCE] --reason …`: lock an environment, or one resource in it, as one commit.
import type { CAC } from 'cac';
import { AggregatorClient } from '../client/aggregator-client.ts';
import { rawOptionValue } from '../client/argv.ts';
import { shortCommit } from '../client/table.ts';
import { CliError } from '../errors.ts';
import type { CommandResult } from '../main.ts';
import { outputFormat, printJson, type Io } from '../output.ts';

/** Sends the lock to the aggregator and prints its answer. */
export async function lock(cli: CAC, io: Io, env: string, resource: string | undefined, options: { output: string }): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const reason = rawOptionValue(cli, 'reason');
  if (!reason) throw new CliError('lock needs --reason', 'Say why, e.g. --reason "incident 4711"; people see it wherever the lock is shown.', 'missing-reason', 2);
  const answer = await AggregatorClient.fromEnv().lock({ env, reason, ...(resource === undefined ? {} : { resource }) });
  const what = resource === undefined ? env : `${resource} in ${env}`;
  if (format === 'json') printJson(io, answer);
  else io.out(`${what} is locked (${answer.reasons.map((r) => `"${r}"`).join(', ')})${answer.status === 'created' ? `: commit ${shortCommit(answer.commit)}` : '; it already was'}`);
  return { exitCode: 0 };
}
