// `cascade push RESOURCE VERSION`: publish a version through the aggregator; returns once the commit is on the remote.
import { readFile } from 'node:fs/promises';
import type { CAC } from 'cac';
import { parseDocument } from 'yaml';
import type { AuthorInput } from '@cascade/common/api';
import { AggregatorClient } from '../client/aggregator-client.ts';
import { rawOptionValue, rawOptionValues } from '../client/argv.ts';
import { shortCommit } from '../client/table.ts';
import { CliError } from '../errors.ts';
import type { CommandResult } from '../main.ts';
import { outputFormat, printJson, type Io } from '../output.ts';

/** Registers the push command. */
export function registerPush(cli: CAC, io: Io, done: (result: Promise<CommandResult>) => void): void {
  cli
    .command('push <resource> <version>', 'Publish a version of a resource (writes <env>/version/<resource>.yaml)')
    .option('--env <env>', "Environment to write to (default: the pipeline's entry environment, e.g. latest; a ci token may push only there or into aggregator.ciEnvironments)")
    .option('--lock-override <reason>', 'Operator or admin only: push into a locked environment or resource anyway; the reason is recorded in the commit')
    .option('--set <key=value>', 'A version-file field, parsed as a YAML scalar: replicas=2 is a number, debug=true a boolean (repeatable)')
    .option('--set-string <key=value>', 'A version-file field kept as a string, e.g. tag=0123 (repeatable)')
    .option('--secret <KEY=@file|KEY=@->', 'A secret, read from a file or (@-) stdin, encrypted by the aggregator into the version file; a push with secrets names all of them (repeatable)')
    .option('--remove-secret <KEY>', 'Drop a secret of the version file (repeatable)')
    .option('--changelog <file|->', 'Changelog from a file, or - for stdin; becomes the commit message body')
    .option('--author <"Name <email>">', 'Commit author (default: the token name)')
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .example('git log -1 --format=%B | cascade push payments 1.4.2 --set image=registry/payments:1.4.2 --changelog -')
    .example('cascade push payments 1.4.2 --secret STRIPE_KEY=@stripe.key --secret DB_PASSWORD=@-')
    .action((resource: string, version: string, options: { output: string }) => done(push(cli, io, String(resource), String(version), options)));
}

async function push(cli: CAC, io: Io, resource: string, version: string, options: { output: string }): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const fields: Record<string, unknown> = {};
  for (const pair of rawOptionValues(cli, 'set')) {
    const [key, value] = splitPair(pair, '--set');
    fields[key] = yamlScalar(value, key);
  }
  for (const pair of rawOptionValues(cli, 'set-string')) {
    const [key, value] = splitPair(pair, '--set-string');
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

/** Splits `key=value` at the first `=`. */
function splitPair(pair: string, option: string): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0) throw new CliError(`${option} ${pair}: expected key=value`, `Example: ${option} image=registry/app:1.2.3`, 'bad-argument', 2);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

/** Parses a value the way YAML reads a plain scalar; anything else must go through --set-string. */
function yamlScalar(text: string, key: string): unknown {
  const doc = parseDocument(text, { version: '1.2', schema: 'core' });
  const value: unknown = doc.errors.length > 0 ? undefined : doc.toJS();
  if (doc.errors.length > 0 || (value !== null && typeof value === 'object')) {
    throw new CliError(`--set ${key}=${text}: not a YAML scalar`, `Use --set-string ${key}=… to send it as a string.`, 'bad-argument', 2);
  }
  return value;
}

/** Where one `--secret` comes from: `KEY=@file` or `KEY=@-`. */
interface SecretSource {
  key: string;
  from: string;
}

/** Parses `KEY=@file`; a value typed on the command line is refused without repeating it, since it sits in shell history and the process list. */
function secretSource(pair: string): SecretSource {
  const at = pair.indexOf('=');
  const key = at > 0 ? pair.slice(0, at) : pair;
  const hint = `Use --secret ${key}=@file, or --secret ${key}=@- to read it from stdin.`;
  if (at <= 0) throw new CliError(`--secret ${key}: expected KEY=@file`, hint, 'bad-argument', 2);
  if (pair[at + 1] !== '@' || pair.length === at + 2) throw new CliError(`--secret ${key}=…: a value on the command line lands in shell history and the process list`, hint, 'bad-argument', 2);
  return { key, from: pair.slice(at + 2) };
}

/** The secret values, read exactly as stored (a trailing newline is part of the value). */
async function readSecrets(sources: SecretSource[]): Promise<Record<string, string> | undefined> {
  if (sources.length === 0) return undefined;
  const secrets: Record<string, string> = {};
  for (const { key, from } of sources) {
    if (Object.hasOwn(secrets, key)) throw new CliError(`--secret ${key} is given twice`, undefined, 'bad-argument', 2);
    try {
      secrets[key] = from === '-' ? await readStdin() : await readFile(from, 'utf8');
    } catch (error) {
      // The error names the file, never its content.
      throw new CliError(`--secret ${key}=@${from}: ${(error as NodeJS.ErrnoException).code ?? 'cannot read'}`, 'Pass a readable file, or @- to read stdin.', 'bad-argument', 2);
    }
  }
  return secrets;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
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
