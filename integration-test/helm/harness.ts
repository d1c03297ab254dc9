// The chart test's tools: helm (built from its Go module on first use), kubectl of the test cluster, and the chart's
// rendered objects as parsed YAML.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAllYaml } from '@kubernetes/client-node';
import { toolPath } from '../../scripts/tools/index.ts';

/** The chart under test. */
export const CHART_DIR = fileURLToPath(new URL('../../deploy/helm/cascade', import.meta.url));
/** Values turning every optional feature on. */
export const FULL_VALUES = fileURLToPath(new URL('./fixtures/full-values.yaml', import.meta.url));
/** A minimal ServiceMonitor CRD, which the test cluster lacks. */
export const SERVICE_MONITOR_CRD = fileURLToPath(new URL('./fixtures/servicemonitor-crd.yaml', import.meta.url));

/** How long the first helm build may take on a fresh machine (2 cores, shared; about 10 minutes when idle). */
export const HELM_BUILD_TIMEOUT_MS = 45 * 60_000;

/** What a finished command printed, and its exit code (not thrown: refusals are what some tests expect). */
export interface CommandOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `file args`, feeding `input` on stdin; resolves with its output and exit code, whatever the code. */
export function runCommand(file: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CommandOutput> {
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { env: options.env ?? process.env, cwd: options.cwd, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

/** A Kubernetes object as rendered, loosely typed: tests read the fields they check. */
export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [key: string]: unknown }; [key: string]: unknown };

/** helm with its own empty config, cache and data directories, so no user repositories or plugins take part. */
export class Helm {
  private constructor(
    private readonly binary: string,
    private readonly home: string,
  ) {}

  /** helm from the tools cache, built first when missing. */
  static async create(): Promise<Helm> {
    const binary = await toolPath('helm', (line) => console.error(`[tools] ${line}`));
    return new Helm(binary, mkdtempSync(join(tmpdir(), 'cascade-helm-')));
  }

  /** Runs helm with `args`. */
  run(args: string[]): Promise<CommandOutput> {
    const env = { PATH: process.env.PATH ?? '', HOME: this.home, HELM_CONFIG_HOME: join(this.home, 'config'), HELM_CACHE_HOME: join(this.home, 'cache'), HELM_DATA_HOME: join(this.home, 'data') };
    return runCommand(this.binary, args, { env });
  }

  /** `helm template` of the chart as release `release` in `namespace`; `args` adds values (`-f`, `--set-json`). */
  async template(release: string, namespace: string, args: string[] = []): Promise<string> {
    const result = await this.run(['template', release, CHART_DIR, '--namespace', namespace, ...args]);
    if (result.code !== 0) throw new Error(`helm template failed (${result.code}):\n${result.stderr}`);
    return result.stdout;
  }

  /** Removes helm's temporary home. */
  dispose(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}

/**
 * The objects of a rendered YAML stream, read by the client library into its models (so fields are spelt as its types
 * spell them: `_from` for a NetworkPolicy rule's `from`) and then made plain data to compare; empty documents dropped.
 */
export function parseManifests(text: string): Manifest[] {
  const documents = text.split(/^---$/m).filter((doc) => doc.replace(/^#.*$/gm, '').trim() !== '');
  return documents.flatMap((doc) => JSON.parse(JSON.stringify(loadAllYaml(doc))) as Manifest[]);
}

/** The one object of `kind` named `name`, as the client library's type for it; throws listing what there is otherwise. */
export function find<T = Manifest>(manifests: Manifest[], kind: string, name: string): T {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found as T;
}
