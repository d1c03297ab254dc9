// `cascade history`: the branch's commits as Cascade reads them, newest first, filterable, paged.
import type { CAC } from 'cac';
import { COMMIT_TYPES, isCommitType, moveVersionWords, moveWords, type HistoryEntry, type HistoryQuery } from '@cascade/common/api';
import { AggregatorClient } from '../client/aggregator-client.ts';
import { rawOptionValue } from '../client/argv.ts';
import { formatTable, shortCommit } from '../client/table.ts';
import { unknownNameError } from '../client/unknown-name.ts';
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
  for (const [key, option] of [['type', '--type'], ['excludeType', '--exclude-type']] as const) {
    const type = rawOptionValue(cli, option.slice(2));
    if (type !== undefined && !isCommitType(type)) throw new CliError(`${option} ${type}: unknown commit type`, `Use one of ${COMMIT_TYPES.join(', ')}.`, 'bad-argument', 2);
    if (type !== undefined) query[key] = type;
  }
  const client = AggregatorClient.fromEnv();
  const page = await client.history(query);
  // An empty page for a name that does not exist is a typo, not "no history": say so instead of printing nothing.
  if (page.entries.length === 0 && (query.env !== undefined || query.resource !== undefined)) await requireKnownNames(client, query);
  if (format === 'json') {
    printJson(io, page);
    return { exitCode: 0 };
  }
  const rows = page.entries.map((e) => [shortCommit(e.commit), localStamp(e.time), e.type, e.environments.join(',') || '-', e.resources.join(',') || '-', versionColumn(e), e.author.name, subjectColumn(e)]);
  io.out(formatTable(['COMMIT', 'TIME', 'TYPE', 'ENV', 'RESOURCE', 'VERSION', 'AUTHOR', 'SUBJECT'], rows));
  const again = [query.env && ` --env ${query.env}`, query.resource && ` --resource ${query.resource}`, query.type && ` --type ${query.type}`, query.excludeType && ` --exclude-type ${query.excludeType}`];
  if (page.nextCursor) io.err(`more: cascade history --cursor ${page.nextCursor}${again.filter(Boolean).join('')}`);
  return { exitCode: 0 };
}

/** What a promotion moved as the dashboard says it (`1.5.2 → 1.5.1 (downgrade)`; with several, each named), else the versions its trailers name. */
function versionColumn(entry: HistoryEntry): string {
  const moves = entry.moves ?? [];
  if (moves.length === 1) return moveVersionWords(moves[0]!);
  if (moves.length > 1) return moves.map(moveWords).join(', ');
  return entry.versions.join(',') || '-';
}

/** The subject, with a schedule's window (written in UTC) in the reader's local time, as every time in the table. */
function subjectColumn(entry: HistoryEntry): string {
  return entry.type === 'Schedule' ? entry.subject.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?Z/g, localStamp) : entry.subject;
}

/** `2026-12-03 06:00` in the local time zone (TZ). */
function localStamp(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${time.getFullYear()}-${two(time.getMonth() + 1)}-${two(time.getDate())} ${two(time.getHours())}:${two(time.getMinutes())}`;
}

/** Throws `unknown-environment` / `unknown-resource` (exit 1, with "did you mean …?") for a filter naming nothing the repo has. */
async function requireKnownNames(client: AggregatorClient, query: HistoryQuery): Promise<void> {
  const status = await client.status();
  const check = (what: 'environment' | 'resource', name: string | undefined, known: string[]) => {
    if (name === undefined || known.includes(name)) return;
    throw unknownNameError(name, known, `${what} "${name}" does not exist in the repo, so it has no history`, `unknown-${what}`);
  };
  check('environment', query.env, status.environments.map((e) => e.name));
  check('resource', query.resource, status.resources.map((r) => r.name));
}
