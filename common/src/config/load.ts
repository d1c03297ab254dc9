// Loading `cascade.yaml`: bounded read, YAML with positions, section readers, environment overrides, frozen result.
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { ConfigProblem } from './errors.ts';
import { ConfigError } from './errors.ts';
import { deepFreeze } from '../model/deep-freeze.ts';
import type { ReadContext } from './reader.ts';
import { MapReader, report } from './reader.ts';
import { readCascadeConfig } from './sections.ts';
import type { CascadeConfig } from './types.ts';

/** Largest accepted config file; a real one is a few KiB. */
export const MAX_CONFIG_BYTES = 256 * 1024;
/** Most aliases a config may use before it is treated as an alias bomb. */
export const MAX_CONFIG_ALIASES = 100;

// These prefixes belong to configuration keys, so a variable under them that matches no key is a typo, not someone else's.
const RESERVED_ENV = /^CASCADE_(REPO|TARGETS|DEPLOYER|TRANSITIONER|AGGREGATOR|LOG|SECRETS|ELECTION)_|^CASCADE_DATADIR$/;

/** Options of `parseConfig`. */
export interface ParseConfigOptions {
  /** Path of the file the text came from; relative paths in it resolve against its directory. */
  file: string;
  /** Environment with `CASCADE_…` overrides; default none. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Home directory for `~`; default the user's. */
  home?: string;
}

/** Reads, validates and freezes the config file at `path`, applying overrides from `env`; throws ConfigError listing every problem. */
export async function loadConfig(path: string, env: Readonly<Record<string, string | undefined>> = process.env): Promise<CascadeConfig> {
  const file = resolve(path);
  let text: string;
  try {
    // Check the size before reading so a huge or endless file (a FIFO, /dev/zero) is never pulled into memory.
    const info = await stat(file);
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    if (info.size > MAX_CONFIG_BYTES) throw tooLarge(file);
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `cannot read: ${(error as Error).message}`;
    throw new ConfigError('config-unreadable', [{ code: 'unreadable', file, path: '', message: reason }]);
  }
  return parseConfig(text, { file, env, home: homedir() });
}

/** Validates config text without touching the file system (tests, `cascade config check` on stdin). */
export function parseConfig(text: string, options: ParseConfigOptions): CascadeConfig {
  const file = resolve(options.file);
  if (Buffer.byteLength(text, 'utf8') > MAX_CONFIG_BYTES) throw tooLarge(file);
  const lineCounter = new LineCounter();
  // YAML 1.2 core schema: `on`, `yes` and `no` stay strings, and duplicate keys are errors.
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, version: '1.2', schema: 'core' });
  const ctx: ReadContext = {
    file,
    baseDir: dirname(file),
    home: options.home ?? homedir(),
    env: options.env ?? {},
    doc,
    lineCounter,
    problems: [],
    envNamesKnown: new Set(),
  };
  for (const error of [...doc.errors, ...doc.warnings]) {
    const problem: ConfigProblem = { code: 'yaml-syntax', file, path: '', message: error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') };
    if (error.linePos) Object.assign(problem, error.linePos[0]);
    ctx.problems.push(problem);
  }
  if (ctx.problems.length > 0) throw new ConfigError('config-invalid', ctx.problems);
  try {
    doc.toJS({ maxAliasCount: MAX_CONFIG_ALIASES });
  } catch (error) {
    throw new ConfigError('config-invalid', [{ code: 'yaml-aliases', file, path: '', message: (error as Error).message }]);
  }

  const config = readCascadeConfig(MapReader.of(ctx, '', doc.contents ?? undefined), file, ctx.baseDir);
  for (const name of Object.keys(ctx.env).sort()) {
    if (RESERVED_ENV.test(name) && !ctx.envNamesKnown.has(name)) {
      report(ctx, 'unknown-env', '', 'names no configuration key (lists and unknown targets cannot be set from the environment)', undefined, name);
    }
  }
  if (ctx.problems.length > 0) throw new ConfigError('config-invalid', sortProblems(ctx.problems));
  return deepFreeze(config as CascadeConfig);
}

function tooLarge(file: string): ConfigError {
  return new ConfigError('config-too-large', [{ code: 'too-large', file, path: '', message: `larger than ${MAX_CONFIG_BYTES} bytes` }]);
}

/** File problems in file order, then environment problems, so the list reads top to bottom. */
function sortProblems(problems: ConfigProblem[]): ConfigProblem[] {
  const rank = (p: ConfigProblem) => (p.env ? Number.MAX_SAFE_INTEGER : (p.line ?? 0) * 10_000 + (p.col ?? 0));
  return [...problems].sort((a, b) => rank(a) - rank(b));
}
