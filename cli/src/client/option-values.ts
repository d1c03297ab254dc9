// What the values of repeatable options mean, for every command that takes them: `KEY=VALUE` pairs, values read as
// YAML scalars, and secrets read from a file or stdin (`--secret KEY=@file`), never from the command line.
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { YamlValue } from '@cascade/common';
import { CliError } from '../errors.ts';

/** How an option's pairs are written, for its error messages: `form` is `KEY=VALUE` or `key=value`, `example` a pair. */
export interface PairUsage {
  form: string;
  example: string;
}

/** Splits `key=value` at the first `=`; a pair without `=` or without a key is refused naming the option (exit 2). */
export function splitPair(pair: string, option: string, usage: PairUsage): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0) throw new CliError(`${option} ${pair}: expected ${usage.form}`, `Example: ${option} ${usage.example}`, 'bad-argument', 2);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

/** A value the way YAML reads a plain scalar (`2` a number, `true` a boolean); a map, a list or bad YAML is refused with `hint`. */
export function yamlScalar(text: string, option: string, key: string, hint: string): YamlValue {
  const doc = parseDocument(text, { version: '1.2', schema: 'core' });
  const value: unknown = doc.errors.length > 0 ? undefined : doc.toJS();
  if (doc.errors.length > 0 || (value !== null && typeof value === 'object')) {
    throw new CliError(`${option} ${key}=${text}: not a YAML scalar`, hint, 'bad-argument', 2);
  }
  return value as YamlValue;
}

/** Where one `--secret` comes from: `KEY=@file`, or `KEY=@-` (`from` is `-`) for stdin. */
export interface SecretSource {
  key: string;
  from: string;
}

/** Parses `KEY=@file`; a value typed on the command line is refused without repeating it, since it sits in shell history and the process list. */
export function secretSource(pair: string): SecretSource {
  const at = pair.indexOf('=');
  const key = at > 0 ? pair.slice(0, at) : pair;
  const hint = `Use --secret ${key}=@file, or --secret ${key}=@- to read it from stdin.`;
  if (at <= 0) throw new CliError(`--secret ${key}: expected KEY=@file`, hint, 'bad-argument', 2);
  if (pair[at + 1] !== '@' || pair.length === at + 2) throw new CliError(`--secret ${key}=…: a value on the command line lands in shell history and the process list`, hint, 'bad-argument', 2);
  return { key, from: pair.slice(at + 2) };
}

/** The secret values, read exactly as stored (a trailing newline is part of the value); undefined when there are none. */
export async function readSecrets(sources: readonly SecretSource[]): Promise<Record<string, string> | undefined> {
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

/** All of stdin as UTF-8 text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
