// `cascade promote TRANSITION`: run a transition now; the transitioner still honours locks and preconditions.
import type { CAC } from 'cac';
import { AggregatorClient } from '../client/aggregator-client.ts';
import type { CommandResult } from '../main.ts';
import { outputFormat, printJson, type Io } from '../output.ts';

/** Registers the promote command. */
export function registerPromote(cli: CAC, io: Io, done: (result: Promise<CommandResult>) => void): void {
  cli
    .command('promote <transition>', 'Run a transition from transitions.yaml now (locks and preconditions still apply)')
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .example('cascade promote prod')
    .action((transition: string, options: { output: string }) => done(promote(io, String(transition), options)));
}

async function promote(io: Io, transition: string, options: { output: string }): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const answer = await AggregatorClient.fromEnv().promote(transition);
  if (format === 'json') printJson(io, answer);
  else io.out(`transition ${transition}: ${JSON.stringify(answer.result)}`);
  return { exitCode: 0 };
}
