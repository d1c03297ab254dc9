// The private file a control script reads its config from, so secret values never sit in its argv (`ps`, /proc/*/cmdline).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A written config file and how to remove it with its directory. */
export interface ConfigFile {
  path: string;
  remove(): Promise<void>;
}

/** Writes `document` as `config.json`, mode 0600, into a new directory under `parent` that mkdtemp creates with mode 0700. */
export async function writeConfigFile(document: string, parent: string = tmpdir()): Promise<ConfigFile> {
  const dir = await mkdtemp(join(parent, 'cascade-script-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, 'config.json');
  try {
    // `wx`: the name is new in a directory only we can enter, so nobody can have placed a link there first.
    await writeFile(path, document, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, remove };
}
