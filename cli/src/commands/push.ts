// `cascade push RESOURCE VERSION`: publish a version through the aggregator; returns once the commit is on the remote.
import { readFile } from 'node:fs/promises';
import type { CAC } from 'cac';
import type { AuthorInput } from '@cascade/common/api';
import { AggregatorClient } from '../client/aggregator-client.ts';
import { rawOptionValue, rawOptionValues } from '../client/argv.ts';
import { readSecrets, readStdin, secretSource, splitPair, yamlScalar, type PairUsage } from '../client/option-values.ts';
import { shortCommit } from '../client/table.ts';
import { CliError } from '../errors.ts';
import type { CommandResult } from '../main.ts';
import { outputFormat, printJson, type Io } from '../output.ts';

/** How `--set` and `--set-string` pairs are written. */
const FIELD_PAIR: PairUsage = { form: 'key=value', example: 'image=registry/app:1.2.3' };

/** Sends the version to the aggregator and prints its answer. */
export async function push(cli: CAC, io: Io, resource: string, version: string, options: { output: string }): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const fields: Record<string, unknown> = {};
  for (const pair of rawOptionValues(cli, 'set')) {
    const [key, value] = splitPair(pair, '--set', FIELD_PAIR);
    fields[key] = yamlScalar(value, '--set', key, `Use --set-string ${key}=… to send it as a string.`);
  }
  for (const pair of rawOptionValues(cli, 'set-string')) {
    const [key, value] = splitPair(pair, '--set-string', FIELD_PAIR);
    fields[key] = value;
  }
  const changelogSource = rawOptionValue(cli, 'changelog');
  const secretSources = rawOptionValues(cli, 'secret').map(secretSource);
  if ([changelogSource, ...secretSources.map((source) => source.from)].filter((from) => from === '-').length > 1) {
    throw new CliError('stdin can feed only one of --changelog - and --secret KEY=@-', 'Read the others from files.', 'bad-argument', 2);
  }
  const changelog = changelogSource === undefined ? undefined : await readChangelog(changelogSource);
  const secrets = await readSecrets(secretSources);
  const removeSecrets = rawOptionValues(cli, 'remove-secret');
  const authorText = rawOptionValue(cli, 'author');
  const env = rawOptionValue(cli, 'env');
  const lockOverride = rawOptionValue(cli, 'lock-override');
  const answer = await AggregatorClient.fromEnv().pushVersion({
    resource,
    version,
    ...(env === undefined ? {} : { env }),
    ...(lockOverride === undefined ? {} : { lockOverride }),
    ...(Object.keys(fields).length > 0 ? { fields: fields as never } : {}),
    ...(secrets === undefined ? {} : { secrets }),
    ...(removeSecrets.length > 0 ? { removeSecrets } : {}),
    ...(changelog === undefined ? {} : { changelog }),
    ...(authorText === undefined ? {} : { author: parseAuthor(authorText) }),
  });
  if (format === 'json') printJson(io, answer);
  else if (answer.status === 'created') io.out(`pushed ${answer.resource} ${answer.version} to ${answer.env}: commit ${shortCommit(answer.commit)}`);
  else io.out(`${answer.resource} ${answer.version} was already in ${answer.env} (commit ${shortCommit(answer.commit)}); nothing changed`);
  return { exitCode: 0 };
}

async function readChangelog(source: string): Promise<string> {
  try {
    if (source === '-') return await readStdin();
    return await readFile(source, 'utf8');
  } catch (error) {
    throw new CliError(`--changelog ${source}: ${(error as Error).message}`, 'Pass a readable file, or - to read stdin.', 'bad-argument', 2);
  }
}

/** Parses `Name <email>`. */
function parseAuthor(text: string): AuthorInput {
  const match = /^\s*([^<>]+?)\s*<([^<>\s]+)>\s*$/.exec(text);
  if (!match) throw new CliError(`--author ${text}: expected "Name <email>"`, 'Example: --author "Jane Doe <jane@example.com>"', 'bad-argument', 2);
  return { name: match[1] as string, email: match[2] as string };
}
