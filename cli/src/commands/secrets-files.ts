// `cascade secrets encrypt` and `rotate`: SOPS files of a working copy, encrypted or re-wrapped to the recipients of
// their `.sops.yaml` creation rule, as `sops -e -i` and `sops updatekeys` would. Loaded only by the secrets command.
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { creationRuleFor, encryptSopsYaml, loadAgeIdentityFiles, looksLikeSopsYaml, parseCreationRules, SecretsError, updateSopsRecipients } from '@cascade/common/secrets';
import type { CreationRule } from '@cascade/common/secrets';
import { CliError } from '../errors.ts';

/** The `.sops.yaml` that governs a file: sops's own search, from the file's folder upwards. */
interface SopsConfig {
  path: string;
  rules: CreationRule[];
}

/** Finds and parses the nearest `.sops.yaml` at or above `dir`, as sops does; undefined when there is none. */
async function findSopsConfig(dir: string): Promise<SopsConfig | undefined> {
  for (let at = resolve(dir); ; at = dirname(at)) {
    const path = join(at, '.sops.yaml');
    const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
    if (text !== undefined) return { path, rules: parseCreationRules(text, path) };
    if (dirname(at) === at) return undefined;
  }
}

/** The creation rule for `file`: path_regex is matched against the path relative to the `.sops.yaml` folder. */
async function ruleFor(file: string): Promise<{ config: SopsConfig; rule: CreationRule; relativePath: string }> {
  const config = await findSopsConfig(dirname(resolve(file)));
  if (!config) throw new CliError(`${file}: no .sops.yaml in its folder or above`, 'Add a .sops.yaml with a creation rule naming the age recipient(s), e.g. creation_rules: [{ path_regex: \\.secret\\.yaml$, age: age1… }].', 'no-sops-config', 1);
  const relativePath = relative(dirname(config.path), resolve(file)).split(sep).join('/');
  return { config, rule: creationRuleFor(config.rules, relativePath, config.path), relativePath };
}

/** Encrypts a plain YAML file in place to its rule's recipients; returns them. */
export async function encryptFileInPlace(file: string, now: Date): Promise<{ recipients: string[] }> {
  const text = await readFile(file, 'utf8');
  if (looksLikeSopsYaml(text)) throw new CliError(`${file} is already encrypted`, 'Use cascade secrets rotate to change its recipients, or sops edit to change values.', 'already-encrypted', 2);
  const { rule } = await ruleFor(file);
  const encrypted = await encryptSopsYaml(text, { file, recipients: rule.recipients, rule: rule.rule, macOnlyEncrypted: rule.macOnlyEncrypted, now });
  await writeFile(file, encrypted);
  return { recipients: rule.recipients };
}

/** What rotate did to one file. */
export interface RotatedFile {
  file: string;
  added: string[];
  removed: string[];
}

/** Re-wraps the data key of every SOPS file under `root` to its rule's recipients; files already right are left alone. Files are named relative to `root`. */
export async function rotateWorkingCopy(root: string, identityFiles: readonly string[]): Promise<{ changed: RotatedFile[]; checked: number }> {
  const identities = await loadAgeIdentityFiles(identityFiles);
  const changed: RotatedFile[] = [];
  let checked = 0;
  for (const path of await yamlFiles(root)) {
    const text = await readFile(path, 'utf8');
    if (!looksLikeSopsYaml(text)) continue;
    checked++;
    const file = relative(root, path).split(sep).join('/');
    const { rule } = await ruleFor(path);
    const update = await updateSopsRecipients(text, { file, identities, recipients: rule.recipients });
    if (update.text === text) continue;
    await writeFile(path, update.text);
    changed.push({ file, added: update.added, removed: update.removed });
  }
  return { changed, checked };
}

/** Every `.yaml`/`.yml` file below `root`, skipping `.git` and dependency folders, in a stable order. */
async function yamlFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name === '.git' || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      // Symlinks are not followed: a rotation touches only files of this working copy.
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && /\.ya?ml$/.test(entry.name) && entry.name !== '.sops.yaml') found.push(path);
    }
  };
  await walk(root);
  return found;
}

/** A SecretsError as the CLI reports it: its message names the file and what failed, never a value. */
export function secretsCliError(error: unknown): unknown {
  return error instanceof SecretsError ? new CliError(error.message, undefined, error.code, 1) : error;
}

/**
 * Commits the rotated files as one commit when `root` is in a git work tree, only those paths (whatever else is
 * staged stays staged); returns the commit id, or undefined outside a work tree. Git runs with argv, never a shell.
 */
export async function commitRotation(root: string, files: readonly string[]): Promise<string | undefined> {
  if (files.length === 0) return undefined;
  const git = (...args: string[]) => run('git', ['-C', root, ...args]);
  const inside = await git('rev-parse', '--is-inside-work-tree').catch(() => undefined);
  if (inside?.trim() !== 'true') return undefined;
  await git('add', '--', ...files);
  const message = `Rotate the SOPS recipients of ${files.length} file${files.length === 1 ? '' : 's'}\n\nRe-wrapped to the recipients of their .sops.yaml creation rules (cascade secrets rotate).`;
  await git('commit', '--quiet', '-m', message, '--', ...files);
  return (await git('rev-parse', 'HEAD')).trim();
}

/** Runs a program with argv and resolves with its stdout; rejects with its stderr. */
function run(program: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(program, args, { encoding: 'utf8' }, (error, stdout, stderr) => (error ? reject(new Error(stderr.trim() || error.message)) : resolvePromise(stdout)));
  });
}
