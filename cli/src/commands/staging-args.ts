// The options of `cascade staging` that carry settings: `--app KEY=VALUE`, `--deployment KEY=VALUE` and
// `--secret KEY=@file`, read exactly as typed (argv.ts), parsed as `cascade push` parses its own (option-values.ts)
// and refused naming the option.
import type { CAC } from 'cac';
import type { YamlValue } from '@cascade/common';
import { rawOptionValues } from '../client/argv.ts';
import { readSecrets, secretSource, splitPair, yamlScalar } from '../client/option-values.ts';
import { CliError } from '../errors.ts';

/** `--app KEY=VALUE` (repeatable): application config, always strings; undefined when none is given. */
export function appOption(cli: CAC): Record<string, string> | undefined {
  const pairs = rawOptionValues(cli, 'app');
  if (pairs.length === 0) return undefined;
  return Object.fromEntries(pairs.map((pair) => splitPair(pair, '--app', { form: 'KEY=VALUE', example: 'FEATURE_FLAGS=new-checkout' })));
}

/** `--deployment KEY=VALUE` (repeatable): deployment config, each value read as a YAML scalar (`replicas=1` is a number). */
export function deploymentOption(cli: CAC): Record<string, YamlValue> | undefined {
  const pairs = rawOptionValues(cli, 'deployment');
  if (pairs.length === 0) return undefined;
  return Object.fromEntries(pairs.map((pair) => {
    const [key, text] = splitPair(pair, '--deployment', { form: 'KEY=VALUE', example: 'replicas=1' });
    return [key, yamlScalar(text, '--deployment', key, `Quote it as a string, e.g. --deployment '${key}="${text}"'.`)];
  }));
}

/** `--secret KEY=@file` or `KEY=@-` (repeatable), read exactly as stored; undefined when none is given. */
export async function secretsOption(cli: CAC): Promise<Record<string, string> | undefined> {
  const sources = rawOptionValues(cli, 'secret').map(secretSource);
  if (sources.filter((source) => source.from === '-').length > 1) throw new CliError('stdin can feed only one --secret KEY=@-', 'Read the others from files.', 'bad-argument', 2);
  return readSecrets(sources);
}
