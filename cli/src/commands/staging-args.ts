// The options of `cascade staging` that carry settings: `--app KEY=VALUE`, `--deployment KEY=VALUE` and
// `--secret KEY=@file`, read exactly as typed (argv.ts) and refused naming the option.
import { readFile } from 'node:fs/promises';
import type { CAC } from 'cac';
import { parseDocument } from 'yaml';
import type { YamlValue } from '@cascade/common';
import { rawOptionValues } from '../client/argv.ts';
import { CliError } from '../errors.ts';

/** `--app KEY=VALUE` (repeatable): application config, always strings; undefined when none is given. */
export function appOption(cli: CAC): Record<string, string> | undefined {
  const pairs = rawOptionValues(cli, 'app');
  if (pairs.length === 0) return undefined;
  return Object.fromEntries(pairs.map((pair) => splitPair(pair, '--app', 'FEATURE_FLAGS=new-checkout')));
}

/** `--deployment KEY=VALUE` (repeatable): deployment config, each value read as a YAML scalar (`replicas=1` is a number). */
export function deploymentOption(cli: CAC): Record<string, YamlValue> | undefined {
  const pairs = rawOptionValues(cli, 'deployment');
  if (pairs.length === 0) return undefined;
  return Object.fromEntries(pairs.map((pair) => {
    const [key, text] = splitPair(pair, '--deployment', 'replicas=1');
    return [key, yamlScalar(text, key)];
  }));
}

/** `--secret KEY=@file` or `KEY=@-` (repeatable), read exactly as stored; undefined when none is given. */
export async function secretsOption(cli: CAC): Promise<Record<string, string> | undefined> {
  const pairs = rawOptionValues(cli, 'secret');
  if (pairs.length === 0) return undefined;
  const sources = pairs.map(secretSource);
  if (sources.filter((source) => source.from === '-').length > 1) throw new CliError('stdin can feed only one --secret KEY=@-', 'Read the others from files.', 'bad-argument', 2);
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

/** Splits `key=value` at the first `=`. */
function splitPair(pair: string, option: string, example: string): [string, string] {
  const at = pair.indexOf('=');
  if (at <= 0) throw new CliError(`${option} ${pair}: expected KEY=VALUE`, `Example: ${option} ${example}`, 'bad-argument', 2);
  return [pair.slice(0, at), pair.slice(at + 1)];
}

/** A value the way YAML reads a plain scalar; a map or list is refused. */
function yamlScalar(text: string, key: string): YamlValue {
  const doc = parseDocument(text, { version: '1.2', schema: 'core' });
  const value: unknown = doc.errors.length > 0 ? undefined : doc.toJS();
  if (doc.errors.length > 0 || (value !== null && typeof value === 'object')) {
    throw new CliError(`--deployment ${key}=${text}: not a YAML scalar`, `Quote it as a string, e.g. --deployment '${key}="${text}"'.`, 'bad-argument', 2);
  }
  return value as YamlValue;
}

/** Parses `KEY=@file`; a value typed on the command line is refused without repeating it, since it sits in shell history and the process list. */
function secretSource(pair: string): { key: string; from: string } {
  const at = pair.indexOf('=');
  const key = at > 0 ? pair.slice(0, at) : pair;
  const hint = `Use --secret ${key}=@file, or --secret ${key}=@- to read it from stdin.`;
  if (at <= 0) throw new CliError(`--secret ${key}: expected KEY=@file`, hint, 'bad-argument', 2);
  if (pair[at + 1] !== '@' || pair.length === at + 2) throw new CliError(`--secret ${key}=…: a value on the command line lands in shell history and the process list`, hint, 'bad-argument', 2);
  return { key, from: pair.slice(at + 2) };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
