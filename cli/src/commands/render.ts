// `cascade render ENV`: the merged manifests of one environment as a YAML stream, like `kustomize build`.
import type { CAC } from 'cac';
import { stringify } from 'yaml';
import { formatProblem, parseSnapshot, renderEnvironment } from '@cascade/common';
import { loadRepoFiles } from '../repo-source.ts';
import { outputFormat, printJson, type Io } from '../output.ts';
import { CliError } from '../errors.ts';
import type { CommandResult } from '../main.ts';

/** Registers the render command. */
export function registerRender(cli: CAC, io: Io, done: (result: Promise<CommandResult>) => void): void {
  cli
    .command('render <env>', 'Print the merged manifests of one environment as a YAML stream')
    .option('--repo <path|url>', 'Resource repo: a folder (read as it is on disk), a bare repository or a git URL', { default: '.' })
    .option('--ref <ref>', 'Branch, tag or commit to read instead of the files on disk or the default branch')
    .option('-o, --output <format>', 'text (a YAML stream) or json', { default: 'text' })
    .example('cascade render dev --repo examples/shop')
    .action((env: string, options: { repo: string; ref?: string; output: string }) => done(render(env, options, io)));
}

/** Renders the environment; a resource that fails is reported on stderr and the others still print. */
async function render(env: string, options: { repo: string; ref?: string; output: string }, io: Io): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const snapshot = parseSnapshot(await loadRepoFiles(options));
  if (!snapshot.environments.has(env)) {
    const known = [...snapshot.environments.keys()].join(', ') || 'none';
    throw new CliError(`environment "${env}" does not exist in the repo`, `Known environments: ${known}.`, 'unknown-env', 1);
  }
  const rendered = renderEnvironment(snapshot, env);
  const failed = rendered.filter((r) => !r.ok);
  for (const r of failed) if (!r.ok) for (const problem of r.problems) io.err(formatProblem(problem));
  if (format === 'json') {
    printJson(io, { env, commit: snapshot.commit, resources: rendered });
  } else {
    const documents = rendered.flatMap((r) => (r.ok ? r.manifests.map((m) => `# Source: ${r.sourceFiles.join(' + ')}\n${stringify(m, { lineWidth: 0 })}`) : []));
    io.out(documents.map((d) => `---\n${d}`).join(''));
  }
  return { exitCode: failed.length > 0 ? 1 : 0 };
}
