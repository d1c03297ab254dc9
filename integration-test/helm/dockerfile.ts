// Reads the repository's Dockerfile and .dockerignore the way the image test needs them: stages of instructions,
// and whether a path of the build context is sent to the builder.

/** One instruction, continuation lines joined: `COPY --from=build /app/cli/dist /app/cli/dist`. */
export interface Instruction {
  keyword: string;
  /** Everything after the keyword. */
  text: string;
  /** Whitespace-separated words of `text`, flags (`--from=build`) included. */
  words: string[];
}

/** A build stage: its name (`AS name`, or its index) and its instructions after FROM. */
export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** The stages of a Dockerfile, in order; comments and blank lines dropped, `\` continuations joined. */
export function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), text: line.slice(keyword.length).trim(), words: rest };
    if (instruction.keyword === 'FROM') {
      const as = rest.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ name: as >= 0 ? rest[as + 1]! : String(stages.length), from: rest[0]!, instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return stages;
}

/** The sources and destination of a COPY, and the stage it copies from (undefined: the build context). */
export function copyOf(instruction: Instruction): { from: string | undefined; sources: string[]; destination: string } {
  const flags = instruction.words.filter((w) => w.startsWith('--'));
  const paths = instruction.words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1)! };
}

/** The variables a stage's ENV instructions set, later ones winning: `ENV A=1 B=2`, or the older `ENV A 1`. */
export function environmentOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of stage.instructions.filter((i) => i.keyword === 'ENV')) {
    if (!instruction.words[0]?.includes('=')) {
      env[instruction.words[0] ?? ''] = instruction.words.slice(1).join(' ');
      continue;
    }
    for (const word of instruction.words) {
      const at = word.indexOf('=');
      env[word.slice(0, at)] = word.slice(at + 1).replace(/^"(.*)"$/, '$1');
    }
  }
  return env;
}

/** A .dockerignore as a predicate: true when `path` (relative, `/`-separated) is left out of the build context. */
export function dockerIgnore(text: string): (path: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => ({ exclude: !l.startsWith('!'), pattern: patternRegExp(l.replace(/^!/, '').replace(/^\/+|\/+$/g, '')) }));
  return (path) => {
    // A pattern matching a parent directory covers what is inside it; the last matching rule decides.
    const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const rule of rules) if (prefixes.some((p) => rule.pattern.test(p))) excluded = rule.exclude;
    return excluded;
  };
}

/** Docker's pattern syntax (Go's filepath.Match plus `**`) as a regular expression over a whole path. */
function patternRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      // `**/` matches any number of directories, none included.
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}
