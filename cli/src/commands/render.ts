// `cascade render ENV`: the merged manifests of one environment as a YAML stream, like `kustomize build`. Encrypted
// values print as `(secret)` unless --show-secrets is given with the identity that decrypts them.
import type { CAC } from 'cac';
import { stringify } from 'yaml';
import { formatProblem, parseSnapshot, renderEnvironment, SECRET_MARKER } from '@cascade/common';
import type { Manifest, RenderedResource } from '@cascade/common';
import { identityFiles, openKeyring } from '../age-identity.ts';
import type { CrashOutput } from '../crash-output.ts';
import { loadRepoFiles } from '../repo-source.ts';
import { outputFormat, printJson, type Io } from '../output.ts';
import { CliError } from '../errors.ts';
import type { CommandResult } from '../main.ts';

/** Registers the render command; a keyring it opens scrubs `crash`'s reports. */
export function registerRender(cli: CAC, io: Io, done: (result: Promise<CommandResult>) => void, crash: CrashOutput): void {
  cli
    .command('render <env>', 'Print the merged manifests of one environment as a YAML stream')
    .option('--repo <path|url>', 'Resource repo: a folder (read as it is on disk), a bare repository or a git URL', { default: '.' })
    .option('--ref <ref>', 'Branch, tag or commit to read instead of the files on disk or the default branch')
    .option('-o, --output <format>', 'text (a YAML stream) or json', { default: 'text' })
    .option('--age-identity <file>', 'Decrypt SOPS files with this age identity file (repeatable); values still print as (secret)')
    .option('--show-secrets', 'Print decrypted values (needs --age-identity); the output then holds secrets')
    .example('cascade render dev --repo examples/shop')
    .example('cascade render prod --age-identity ~/.config/cascade/age.key --show-secrets')
    .action((env: string, options: RenderOptions) => done(render(env, options, io, crash)));
}

/** Options of the render command. */
interface RenderOptions {
  repo: string;
  ref?: string;
  output: string;
  ageIdentity?: string | string[];
  showSecrets?: boolean;
}

/** Renders the environment; a resource that fails is reported on stderr and the others still print. */
async function render(env: string, options: RenderOptions, io: Io, crash: CrashOutput): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const identities = identityFiles(options.ageIdentity);
  if (options.showSecrets === true && identities.length === 0) throw new CliError('--show-secrets needs --age-identity FILE', 'Name the age identity file that decrypts the environment.', 'bad-argument', 2);
  const snapshot = parseSnapshot(await loadRepoFiles(options));
  if (!snapshot.environments.has(env)) {
    const known = [...snapshot.environments.keys()].join(', ') || 'none';
    throw new CliError(`environment "${env}" does not exist in the repo`, `Known environments: ${known}.`, 'unknown-env', 1);
  }
  const keyring = identities.length > 0 ? await openKeyring(identities, snapshot, [env], crash) : undefined;
  const decrypted = renderEnvironment(snapshot, env, new Map(), keyring ? { secrets: keyring } : {});
  // Decrypted only to check that everything decrypts, unless the caller asked to see the values.
  const rendered = keyring && options.showSecrets !== true ? decrypted.map((r) => keyring.scrub(hideSecretData(r))) : decrypted;
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

/** A rendered resource with the values of its Kubernetes Secrets' `data` and `stringData` shown as `(secret)`. */
function hideSecretData(resource: RenderedResource): RenderedResource {
  if (!resource.ok) return resource;
  return { ...resource, manifests: resource.manifests.map(hideSecretObject) };
}

function hideSecretObject(manifest: Manifest): Manifest {
  if (manifest['kind'] !== 'Secret' || manifest['apiVersion'] !== 'v1') return manifest;
  const hidden: Manifest = { ...manifest };
  for (const field of ['data', 'stringData']) {
    const payload = manifest[field];
    if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) hidden[field] = Object.fromEntries(Object.keys(payload).map((key) => [key, SECRET_MARKER]));
  }
  return hidden;
}
