// `cascade unlock ENV [RESOURCE] [--reason …]`: remove one lock reason, or all of them.
import type { CAC } from 'cac';
import { AggregatorClient } from '../client/aggregator-client.ts';
import { rawOptionValue } from '../client/argv.ts';
import { shortCommit } from '../client/table.ts';
import type { CommandResult } from '../main.ts';
import { outputFormat, printJson, type Io } from '../output.ts';

/** Sends the unlock to the aggregator and prints its answer. */
export async function unlock(cli: CAC, io: Io, env: string, resource: string | undefined, options: { output: string }): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const reason = rawOptionValue(cli, 'reason');
  const answer = await AggregatorClient.fromEnv().unlock({ env, ...(resource === undefined ? {} : { resource }), ...(reason === undefined ? {} : { reason }) });
  const what = resource === undefined ? env : `${resource} in ${env}`;
  if (format === 'json') printJson(io, answer);
  else {
    const state = answer.reasons.length === 0 ? 'is unlocked' : `is still locked (${answer.reasons.map((r) => `"${r}"`).join(', ')})`;
    io.out(`${what} ${state}${answer.status === 'created' ? `: commit ${shortCommit(answer.commit)}` : '; nothing changed'}`);
  }
  return { exitCode: 0 };
}
