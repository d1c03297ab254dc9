// Option values exactly as typed: cac turns `--to 1.10` into the number 1.1, which would name another version.
import type { CAC } from 'cac';

/** Every value given for `--name` (as `--name value` or `--name=value`), as the strings the user typed. */
export function rawOptionValues(cli: CAC, name: string): string[] {
  const args = cli.rawArgs;
  const values: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') break;
    if (arg === `--${name}`) {
      const next = args[i + 1];
      if (next !== undefined && !next.startsWith('-')) values.push(next);
      else if (next === '-') values.push(next);
      i++;
    } else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3));
  }
  return values;
}

/** The last value given for `--name`, or undefined. */
export function rawOptionValue(cli: CAC, name: string): string | undefined {
  return rawOptionValues(cli, name).at(-1);
}
