// A repo's files as texts by path, for tests that change a few of them and read the repo again.
import type { RepoFiles } from '../repo/files.ts';

/** Every file's text, by path. */
export function repoTexts(files: RepoFiles): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [path, file] of files.files) texts[path] = new TextDecoder().decode(file.content);
  return texts;
}
