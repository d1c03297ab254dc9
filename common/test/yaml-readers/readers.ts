// Other YAML readers of the resource repo (PyYAML for YAML 1.1, go-yaml v3 as Kubernetes tools use it), for tests
// that check every reader sees what Cascade's parser sees. A missing reader fails the test with what to install.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What one reader made of one text: the value, or its error message. */
export type ReadResult = { ok: true; value: unknown } | { ok: false; error: string };

/** A YAML reader other than Cascade's, reading many texts in one process. */
export interface ForeignReader {
  name: string;
  read(texts: string[]): ReadResult[];
}

const HERE = fileURLToPath(new URL('.', import.meta.url));
const GO_DIR = join(HERE, 'go');
const GO_SOURCES = ['go.mod', 'go.sum', 'main.go'];

/** PyYAML 6 (YAML 1.1) and go-yaml v3; throws with install instructions when either cannot run. */
export function foreignReaders(): ForeignReader[] {
  return [pyYaml(), goYaml()];
}

/** PyYAML's safe_load through python3. */
function pyYaml(): ForeignReader {
  const probe = spawnSync('python3', ['-c', 'import yaml; print(yaml.__version__)'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'the cross-reader test needs python3 with PyYAML 6 (the YAML 1.1 reader many tools use): ' +
        'install them with `apt-get install python3 python3-yaml` or `pip install "pyyaml>=6"`.\n' +
        (probe.error?.message ?? probe.stderr.trim()),
    );
  }
  return { name: `PyYAML ${probe.stdout.trim()}`, read: (texts) => runReader('python3', [join(HERE, 'pyyaml_reader.py')], texts) };
}

/** gopkg.in/yaml.v3, built once into the user's cache (never into the repository). */
function goYaml(): ForeignReader {
  const binary = buildGoReader();
  return { name: 'go-yaml v3.0.1', read: (texts) => runReader(binary, [], texts) };
}

/** The cached go-yaml reader binary, built when its sources or the Go version changed. */
function buildGoReader(): string {
  const goVersion = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  if (goVersion.error || goVersion.status !== 0) {
    throw new Error('the cross-reader test needs Go (it builds a go-yaml reader): install it with `apt-get install golang-go` or from https://go.dev/dl/ and put `go` on PATH.');
  }
  const hash = createHash('sha256').update(goVersion.stdout.trim());
  for (const file of GO_SOURCES) hash.update(readFileSync(join(GO_DIR, file)));
  const dir = join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'cascade', 'yaml-readers', hash.digest('hex').slice(0, 16));
  const binary = join(dir, 'go-yaml-reader');
  if (existsSync(binary)) return binary;
  // Built beside the final place and renamed, so a test running in parallel never runs a half-written binary.
  const temp = `${dir}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  const env = { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=readonly -buildvcs=false' };
  const build = spawnSync('go', ['build', '-trimpath', '-o', join(temp, 'go-yaml-reader'), '.'], { cwd: GO_DIR, env, encoding: 'utf8' });
  if (build.status !== 0) {
    rmSync(temp, { recursive: true, force: true });
    const proxy = spawnSync('go', ['env', 'GOPROXY'], { encoding: 'utf8' }).stdout.trim();
    throw new Error(`building the go-yaml reader failed; gopkg.in/yaml.v3 v3.0.1 must be in the Go module cache or the module proxy (GOPROXY=${proxy}) reachable:\n${build.stderr.slice(-2000)}`);
  }
  try {
    renameSync(temp, dir);
  } catch (error) {
    // Another test process finished the same build first; its binary is as good as ours.
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(binary)) throw error;
  }
  return binary;
}

/** Runs a reader on a JSON array of texts and returns its JSON array of results. */
function runReader(command: string, args: string[], texts: string[]): ReadResult[] {
  const run = spawnSync(command, args, { input: JSON.stringify(texts), encoding: 'utf8', maxBuffer: 256 << 20 });
  if (run.error || run.status !== 0) throw new Error(`${command} failed: ${run.error?.message ?? run.stderr}`);
  return JSON.parse(run.stdout) as ReadResult[];
}
