// `cascade render ENV` (or `--staging NAME`): the merged manifests of one environment or staging as a YAML stream,
// like `kustomize build`. Encrypted values print as `(secret)` unless --show-secrets is given with the identity that
// decrypts them.
import { stringify } from 'yaml';
import { appConfigResource, appSecretsOf, archivedView, deriveStagings, formatProblem, openProblem, parseSnapshot, plainValue, renderEnvironment, SECRET_MARKER } from '@cascade/common';
import type { AppSecrets, Manifest, RenderedResource, SnapshotWithFiles, StagingDeployment } from '@cascade/common';
import type { SecretsKeyring } from '@cascade/common/secrets';
import { identityFiles, openKeyring } from '../age-identity.ts';
import type { CrashOutput } from '../crash-output.ts';
import { loadRepoFiles } from '../repo-source.ts';
import { outputFormat, printJson, type Io } from '../output.ts';
import { CliError } from '../errors.ts';
import { unknownNameError } from '../client/unknown-name.ts';
import type { CommandResult } from '../main.ts';

/** Options of the render command. */
export interface RenderOptions {
  repo: string;
  ref?: string;
  output: string;
  ageIdentity?: string | string[];
  showSecrets?: boolean;
  staging?: string;
}

/** Renders the environment or staging; a resource that fails is reported on stderr and the others still print. */
export async function render(env: string | undefined, options: RenderOptions, io: Io, crash: CrashOutput): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const identities = identityFiles(options.ageIdentity);
  if (options.showSecrets === true && identities.length === 0) throw new CliError('--show-secrets needs --age-identity FILE', 'Name the age identity file that decrypts the environment.', 'bad-argument', 2);
  if ((env === undefined) === (options.staging === undefined)) throw new CliError('name an environment or --staging NAME, not both or neither', 'e.g. cascade render dev, or cascade render --staging feature-x', 'bad-argument', 2);
  const snapshot = parseSnapshot(await loadRepoFiles(options));
  const openKeys = (view: SnapshotWithFiles, name: string) => (identities.length > 0 ? openKeyring(identities, view, [name], crash) : Promise.resolve(undefined));
  const { name, decrypted, keyring } = options.staging === undefined ? await renderEnv(snapshot, env!, openKeys) : await renderStagingOf(snapshot, options.staging, openKeys);
  // Decrypted only to check that everything decrypts, unless the caller asked to see the values.
  const rendered = keyring && options.showSecrets !== true ? decrypted.map((r) => keyring.scrub(hideSecretData(r))) : decrypted;
  const failed = rendered.filter((r) => !r.ok);
  for (const r of failed) if (!r.ok) for (const problem of r.problems) io.err(formatProblem(problem));
  if (format === 'json') {
    printJson(io, { ...(options.staging === undefined ? { env: name } : { staging: name }), commit: snapshot.commit, resources: rendered });
  } else {
    const documents = rendered.flatMap((r) => (r.ok ? r.manifests.map((m) => `# Source: ${r.sourceFiles.join(' + ')}\n${stringify(m, { lineWidth: 0 })}`) : []));
    io.out(documents.map((d) => `---\n${d}`).join(''));
  }
  return { exitCode: failed.length > 0 ? 1 : 0 };
}

/** What one render produced, before it is shown. */
interface Rendering {
  name: string;
  decrypted: RenderedResource[];
  keyring: SecretsKeyring | undefined;
}

type OpenKeys = (view: SnapshotWithFiles, name: string) => Promise<SecretsKeyring | undefined>;

async function renderEnv(snapshot: SnapshotWithFiles, env: string, openKeys: OpenKeys): Promise<Rendering> {
  if (!snapshot.environments.has(env)) {
    throw unknownNameError(env, [...snapshot.environments.keys()], `environment "${env}" does not exist in the repo`, 'unknown-env');
  }
  const keyring = await openKeys(snapshot, env);
  return { name: env, decrypted: renderEnvironment(snapshot, env, new Map(), keyring ? { secrets: keyring } : {}), keyring };
}

/** A staging renders as the deployer renders it: its template with its version data, its app config, and only what an archive keeps. */
async function renderStagingOf(snapshot: SnapshotWithFiles, name: string, openKeys: OpenKeys): Promise<Rendering> {
  const { deployments, held } = deriveStagings(snapshot);
  const blocked = held.get(name);
  if (blocked !== undefined) throw new CliError(`staging "${name}" cannot be rendered: ${blocked.problems.map(formatProblem).join('; ')}`, 'Fix its file (see cascade validate).', 'staging-held', 1);
  const deployment = deployments.get(name);
  if (deployment === undefined) {
    throw unknownNameError(name, [...snapshot.stagings.keys()], `staging "${name}" does not exist in the repo`, 'unknown-staging');
  }
  const view: SnapshotWithFiles = { ...snapshot, environments: new Map([[name, deployment.environment]]) };
  const keyring = await openKeys(view, name);
  if (deployment.staging.state === 'cleanup') return { name, decrypted: [], keyring };
  const rendered = [...renderEnvironment(view, name, new Map(), keyring ? { secrets: keyring } : {}), appConfigResource(deployment.staging, await stagingSecrets(snapshot, deployment, keyring))];
  return { name, decrypted: deployment.staging.state === 'archived' ? archivedView(rendered) : rendered, keyring };
}

/** The staging's secret overrides: decrypted with the identity, `(secret)` without it. */
async function stagingSecrets(snapshot: SnapshotWithFiles, { staging }: StagingDeployment, keyring: SecretsKeyring | undefined): Promise<AppSecrets> {
  if (staging.encrypted === undefined || staging.secretKeys.length === 0) return { values: {} };
  if (keyring === undefined) return { values: Object.fromEntries(staging.secretKeys.map((key) => [key, SECRET_MARKER])) };
  const file = snapshot.files.files.get(staging.file)!;
  await keyring.open([file]);
  const opened = keyring.opened({ path: file.path, oid: file.oid });
  return opened?.ok ? { values: appSecretsOf(plainValue(opened.documents[0])) } : { problem: openProblem(staging.file, opened) };
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
