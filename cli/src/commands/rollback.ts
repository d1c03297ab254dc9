// `cascade rollback ENV RESOURCE --to VERSION|COMMIT`: put an earlier version back; the resource stays locked there.
import type { CAC } from 'cac';
import { AggregatorClient } from '../client/aggregator-client.ts';
import { rawOptionValue } from '../client/argv.ts';
import { shortCommit } from '../client/table.ts';
import { CliError } from '../errors.ts';
import type { CommandResult } from '../main.ts';
import { outputFormat, printJson, type Io } from '../output.ts';

/** Registers the rollback command. */
export function registerRollback(cli: CAC, io: Io, done: (result: Promise<CommandResult>) => void): void {
  cli
    .command('rollback <env> <resource>', 'Put a version the environment had before back, and lock the resource there so transitions keep it')
    .option('--to <version|commit>', 'The version to restore, or the commit whose version file to restore (required)')
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .example('cascade rollback prod payments --to 1.4.1')
    .action((env: string, resource: string, options: { output: string }) => done(rollback(cli, io, String(env), String(resource), options)));
}

async function rollback(cli: CAC, io: Io, env: string, resource: string, options: { output: string }): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const to = rawOptionValue(cli, 'to');
  if (!to) throw new CliError('rollback needs --to', 'Name the version (--to 1.4.1) or a commit (--to 3f2a9c1) to restore; cascade history --env ENV --resource NAME lists them.', 'missing-target', 2);
  const answer = await AggregatorClient.fromEnv().rollback({ env, resource, to });
  if (format === 'json') printJson(io, answer);
  else {
    io.out(answer.status === 'created' ? `rolled back: commit ${shortCommit(answer.commit)}` : 'nothing to do: it already was so');
    io.out(answer.message);
    io.out(`to resume promotion: cascade unlock ${env} ${resource} --reason "${answer.lock.reason}"`);
  }
  return { exitCode: 0 };
}
