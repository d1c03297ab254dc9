// `secrets`: where the deployer finds the age identities that decrypt SOPS files; the files themselves are read at start.
import { isScalar, isSeq } from 'yaml';
import { path } from './kinds.ts';
import type { MapReader } from './reader.ts';
import { report } from './reader.ts';
import type { SecretsConfig } from './types.ts';

/** Reads `secrets.ageIdentityFile`: one path or a list of them (old and new key during a rotation). */
export function readSecrets(section: MapReader): SecretsConfig {
  const node = section.raw('ageIdentityFile');
  const files: string[] = [];
  if (!isSeq(node)) {
    // A single path, also settable as CASCADE_SECRETS_AGEIDENTITYFILE.
    const file = section.scalar('ageIdentityFile', path);
    if (file !== undefined) files.push(file);
  } else {
    section.list('ageIdentityFile').forEach((item, index) => {
      const itemPath = `${section.childPath('ageIdentityFile')}[${index}]`;
      const checked = isScalar(item) && typeof item.value === 'string' ? path.fromYaml(item.value, section.ctx) : { error: 'must be a file path' };
      if ('value' in checked) files.push(checked.value);
      else report(section.ctx, 'invalid-value', itemPath, checked.error, item);
    });
  }
  section.finish();
  return { ageIdentityFiles: [...new Set(files)] };
}
