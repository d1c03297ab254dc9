// Reads YAML nodes against what Cascade expects, recording every problem with its position instead of stopping.
import type { Document, LineCounter, Node } from 'yaml';
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { ConfigProblem, ConfigProblemCode } from './errors.ts';

/** Everything a read needs: where the file is, the environment, and where problems go. */
export interface ReadContext {
  file: string;
  /** Directory of the config file; relative paths are resolved against it. */
  baseDir: string;
  home: string;
  env: Readonly<Record<string, string | undefined>>;
  doc: Document;
  lineCounter: LineCounter;
  problems: ConfigProblem[];
  /** Every override variable name Cascade looked up, to report the rest as unknown. */
  envNamesKnown: Set<string>;
}

/** Result of checking one value: the accepted value or a sentence saying what is wrong. */
export type Check<T> = { value: T } | { error: string; code?: ConfigProblemCode };

/** A kind of scalar value: how to accept it from YAML and from an environment variable (always a string). */
export interface ScalarKind<T> {
  fromYaml(value: unknown, ctx: ReadContext): Check<T>;
  fromEnv(text: string, ctx: ReadContext): Check<T>;
}

/** The environment variable overriding `path`: `repo.pollInterval` → `CASCADE_REPO_POLLINTERVAL`. */
export function envNameFor(path: string): string {
  return 'CASCADE_' + path.split('.').map((segment) => segment.toUpperCase().replace(/[^A-Z0-9]/g, '_')).join('_');
}

/** Records a problem at `node` (or without a position). */
export function report(ctx: ReadContext, code: ConfigProblemCode, path: string, message: string, node?: Node | null, env?: string): void {
  const problem: ConfigProblem = { code, file: ctx.file, path, message };
  if (env) problem.env = env;
  else if (node?.range) Object.assign(problem, ctx.lineCounter.linePos(node.range[0]));
  ctx.problems.push(problem);
}

/** Follows aliases (`*name`) to the node they stand for. */
function deref(ctx: ReadContext, node: unknown): Node | undefined {
  let current = node;
  for (let hops = 0; isAlias(current) && hops < 16; hops++) current = current.resolve(ctx.doc);
  return (current ?? undefined) as Node | undefined;
}

/** Tells whether a node is absent or an explicit `null`/`~`/empty value. */
function isNullish(node: Node | undefined): boolean {
  return node === undefined || (isScalar(node) && node.value === null);
}

/** A YAML map being read: lookups consult the environment first and mark keys used; `finish` reports the rest. */
export class MapReader {
  private readonly used = new Set<string>();
  private readonly byKey = new Map<string, { key: Node; value: Node | undefined }>();

  private constructor(
    readonly ctx: ReadContext,
    readonly path: string,
    /** The map itself, for positions of "missing key" problems. */
    readonly node: Node | undefined,
    /** Whether `CASCADE_…` overrides apply below this map (not inside lists). */
    private readonly envAllowed: boolean,
    /** False when the file holds something other than a map here (already reported). */
    readonly wellFormed = true,
  ) {
    if (node && isMap(node)) {
      for (const pair of node.items) {
        const key = pair.key as Node;
        if (!isScalar(key) || (typeof key.value !== 'string' && typeof key.value !== 'number')) {
          report(ctx, 'wrong-type', path, 'keys must be plain strings', key);
          continue;
        }
        this.byKey.set(String(key.value), { key, value: deref(ctx, pair.value) });
      }
    }
  }

  /** Reads `node` as a map at `path`; a missing or null node reads as an empty map, anything else is a problem. */
  static of(ctx: ReadContext, path: string, node: Node | undefined, envAllowed = true): MapReader {
    if (!isNullish(node) && !isMap(node)) {
      report(ctx, 'wrong-type', path, 'must be a map (key: value)', node);
      return new MapReader(ctx, path, undefined, envAllowed, false);
    }
    return new MapReader(ctx, path, node, envAllowed);
  }

  /** Key path of a child key, e.g. `aggregator` + `listen` → `aggregator.listen`. */
  childPath(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  /** The raw node under `key`, marking the key as known. */
  raw(key: string): Node | undefined {
    this.used.add(key);
    return this.byKey.get(key)?.value;
  }

  /** The keys present in the file, in file order, with their key nodes. */
  keys(): { name: string; key: Node }[] {
    return [...this.byKey].map(([name, entry]) => ({ name, key: entry.key }));
  }

  /** A nested map under `key`. */
  map(key: string): MapReader {
    return MapReader.of(this.ctx, this.childPath(key), this.raw(key), this.envAllowed);
  }

  /** A list under `key` (absent → empty); environment overrides do not reach into lists. */
  list(key: string): Node[] {
    const node = this.raw(key);
    if (isNullish(node)) return [];
    if (!isSeq(node)) {
      report(this.ctx, 'wrong-type', this.childPath(key), 'must be a list', node);
      return [];
    }
    return node.items.map((item) => deref(this.ctx, item) as Node);
  }

  /** A scalar under `key`: the environment override if set, else the file, else `fallback` (undefined = optional). */
  scalar<T>(key: string, kind: ScalarKind<T>, fallback?: T | { required: true }): T | undefined {
    const path = this.childPath(key);
    const node = this.raw(key);
    if (this.envAllowed) {
      const envName = envNameFor(path);
      this.ctx.envNamesKnown.add(envName);
      const text = this.ctx.env[envName];
      // An empty variable counts as unset, the way shells and container specs usually mean it.
      if (text !== undefined && text !== '') return this.accept(path, kind.fromEnv(text, this.ctx), undefined, envName);
    }
    if (isNullish(node)) {
      if (isRequired(fallback)) {
        const hint = this.envAllowed ? ` (or set ${envNameFor(path)})` : '';
        report(this.ctx, 'missing', path, `is required${hint}`, this.node);
        return undefined;
      }
      return fallback;
    }
    if (!isScalar(node)) {
      report(this.ctx, 'wrong-type', path, 'must be a single value, not a map or list', node);
      return undefined;
    }
    return this.accept(path, kind.fromYaml(node.value, this.ctx), node);
  }

  /** Reports every key that was never looked up as unknown. */
  finish(): void {
    for (const [name, entry] of this.byKey) {
      if (!this.used.has(name)) report(this.ctx, 'unknown-key', this.childPath(name), 'unknown key', entry.key);
    }
  }

  private accept<T>(path: string, check: Check<T>, node?: Node, env?: string): T | undefined {
    if ('value' in check) return check.value;
    report(this.ctx, check.code ?? 'invalid-value', path, check.error, node, env);
    return undefined;
  }
}

function isRequired<T>(fallback: T | { required: true } | undefined): fallback is { required: true } {
  return typeof fallback === 'object' && fallback !== null && (fallback as { required?: unknown }).required === true;
}
