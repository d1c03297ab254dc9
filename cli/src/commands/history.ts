// `cascade history`: the branch's commits as Cascade reads them, newest first, filterable, paged.
import type { CAC } from 'cac';
import { COMMIT_TYPES, isCommitType, type HistoryQuery } from '@cascade/common/api';
import { AggregatorClient } from '../client/aggregator-client.ts';
import { rawOptionValue } from '../client/argv.ts';
import { formatTable, shortCommit } from '../client/table.ts';
import { CliError } from '../errors.ts';
import type { CommandResult } from '../main.ts';
import { outputFormat, printJson, type Io } from '../output.ts';

/** Reads one page of history from the aggregator and prints it. */
export async function history(cli: CAC, io: Io, options: { output: string; limit: number }): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const limit = Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new CliError(`--limit ${options.limit}: must be an integer from 1 to 200`, undefined, 'bad-argument', 2);
  const query: HistoryQuery = { limit };
  for (const key of ['env', 'resource', 'cursor'] as const) {
    const value = rawOptionValue(cli, key);
    if (value !== undefined) query[key] = value;
  }
  const type = rawOptionValue(cli, 'type');
  if (type !== undefined && !isCommitType(type)) throw new CliError(`--type ${type}: unknown commit type`, `Use one of ${COMMIT_TYPES.join(', ')}.`, 'bad-argument', 2);
  if (type !== undefined) query.type = type;
  const page = await AggregatorClient.fromEnv().history(query);
  if (format === 'json') {
    printJson(io, page);
    return { exitCode: 0 };
  }
  const rows = page.entries.map((e) => [shortCommit(e.commit), e.time.slice(0, 16).replace('T', ' '), e.type, e.environments.join(',') || '-', e.resources.join(',') || '-', e.versions.join(',') || '-', e.author.name, e.subject]);
  io.out(formatTable(['COMMIT', 'TIME', 'TYPE', 'ENV', 'RESOURCE', 'VERSION', 'AUTHOR', 'SUBJECT'], rows));
  if (page.nextCursor) io.err(`more: cascade history --cursor ${page.nextCursor}${query.env ? ` --env ${query.env}` : ''}${query.resource ? ` --resource ${query.resource}` : ''}${query.type ? ` --type ${query.type}` : ''}`);
  return { exitCode: 0 };
}
