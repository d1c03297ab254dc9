// `cascade validate`: every problem of the resource repo as file:line:col, exit 1 on any error.
import type { CAC } from 'cac';
import { formatProblem, parseSnapshot, validateSnapshot } from '@cascade/common';
import { loadRepoFiles } from '../repo-source.ts';
import { outputFormat, printJson, type Io } from '../output.ts';
import type { CommandResult } from '../main.ts';

/** Registers the validate command. */
export function registerValidate(cli: CAC, io: Io, done: (result: Promise<CommandResult>) => void): void {
  cli
    .command('validate', 'Check the resource repo: every problem as file:line:col, exit 1 on errors')
    .option('--repo <path|url>', 'Resource repo: a folder (read as it is on disk) or a git URL', { default: '.' })
    .option('--ref <ref>', 'Branch, tag or commit to read instead of the files on disk')
    .option('-o, --output <format>', 'text or json', { default: 'text' })
    .example('cascade validate --repo examples/shop')
    .action((options: { repo: string; ref?: string; output: string }) => done(validate(options, io)));
}

/** Runs validation and prints the problems. */
async function validate(options: { repo: string; ref?: string; output: string }, io: Io): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const snapshot = parseSnapshot(await loadRepoFiles(options));
  const problems = validateSnapshot(snapshot);
  const errors = problems.filter((p) => p.severity === 'error').length;
  if (format === 'json') {
    printJson(io, { commit: snapshot.commit, errors, warnings: problems.length - errors, problems });
  } else {
    for (const problem of problems) io.out(formatProblem(problem));
    const resources = [...snapshot.environments.values()].reduce((n, env) => n + env.resources.size, 0);
    io.err(`${snapshot.environments.size} environments, ${resources} resources: ${errors} errors, ${problems.length - errors} warnings`);
  }
  return { exitCode: errors > 0 ? 1 : 0 };
}
