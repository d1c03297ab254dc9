// `cascade history`: the branch's commits as Cascade reads them, newest first, filterable, paged.
import type { CAC } from 'cac';
import { closestName, COMMIT_TYPES, isCommitType, type HistoryQuery } from '@cascade/common/api';
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
  const client = AggregatorClient.fromEnv();
  const page = await client.history(query);
  // An empty page for a name that does not exist is a typo, not "no history": say so instead of printing nothing.
  if (page.entries.length === 0 && (query.env !== undefined || query.resource !== undefined)) await requireKnownNames(client, query);
  if (format === 'json') {
    printJson(io, page);
    return { exitCode: 0 };
  }
  const rows = page.entries.map((e) => [shortCommit(e.commit), e.time.slice(0, 16).replace('T', ' '), e.type, e.environments.join(',') || '-', e.resources.join(',') || '-', e.versions.join(',') || '-', e.author.name, e.subject]);
  io.out(formatTable(['COMMIT', 'TIME', 'TYPE', 'ENV', 'RESOURCE', 'VERSION', 'AUTHOR', 'SUBJECT'], rows));
  if (page.nextCursor) io.err(`more: cascade history --cursor ${page.nextCursor}${query.env ? ` --env ${query.env}` : ''}${query.resource ? ` --resource ${query.resource}` : ''}${query.type ? ` --type ${query.type}` : ''}`);
  return { exitCode: 0 };
}

/** Throws `unknown-environment` / `unknown-resource` (exit 1, with "did you mean …?") for a filter naming nothing the repo has. */
async function requireKnownNames(client: AggregatorClient, query: HistoryQuery): Promise<void> {
  const status = await client.status();
  const check = (what: 'environment' | 'resource', name: string | undefined, known: string[]) => {
    if (name === undefined || known.includes(name)) return;
    const suggestion = closestName(name, known);
    const hint = suggestion ? `Did you mean ${suggestion}?` : `Known: ${known.slice(0, 20).join(', ') || 'none'}.`;
    throw new CliError(`${what} "${name}" does not exist in the repo, so it has no history`, hint, `unknown-${what}`, 1);
  };
  check('environment', query.env, status.environments.map((e) => e.name));
  check('resource', query.resource, status.resources.map((r) => r.name));
}
