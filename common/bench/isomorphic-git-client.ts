// The isomorphic-git side of the benchmark: the same tree reader over isomorphic-git's object store, and a write+push done its way.
import fs from 'node:fs';
import git from 'isomorphic-git';
import http from 'isomorphic-git/http/node';
import type { ObjectContent, ObjectSource } from '../src/git/object-reader.ts';

/** isomorphic-git's object store as an ObjectSource, so the same caching tree walk runs on both implementations. */
export function isomorphicObjectSource(gitdir: string, cache: object = {}): ObjectSource {
  return {
    async read(oid, maxBytes = Number.POSITIVE_INFINITY): Promise<ObjectContent> {
      const object = await git.readObject({ fs, gitdir, oid, format: 'content', cache });
      const bytes = object.object as Uint8Array;
      const content = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      return content.length > maxBytes ? { oid, type: object.type, size: content.length } : { oid, type: object.type, size: content.length, content };
    },
  };
}

/** Clones the branch into `dir` without a work tree. */
export async function isomorphicClone(url: string, dir: string, branch: string): Promise<string> {
  await git.clone({ fs, http, dir, url, ref: branch, singleBranch: true, noCheckout: true, noTags: true });
  return git.resolveRef({ fs, dir, ref: `refs/remotes/origin/${branch}` });
}

/** Fetch, write one file on the remote head (blob, the trees along its path, a commit), push; returns the new commit. */
export async function isomorphicWrite(url: string, dir: string, branch: string, path: string, content: string): Promise<string> {
  const gitdir = `${dir}/.git`;
  const cache = {};
  await git.fetch({ fs, http, gitdir, url, ref: branch, singleBranch: true, tags: false, cache });
  const head = await git.resolveRef({ fs, gitdir, ref: `refs/remotes/origin/${branch}` });
  const { commit } = await git.readCommit({ fs, gitdir, oid: head, cache });
  const blob = await git.writeBlob({ fs, gitdir, blob: Buffer.from(content) });
  const tree = await replaceInTree(gitdir, cache, commit.tree, path.split('/'), blob);
  const identity = { name: 'Bench', email: 'bench@cascade.test', timestamp: Math.floor(Date.now() / 1000), timezoneOffset: 0 };
  const oid = await git.writeCommit({ fs, gitdir, commit: { message: `Write ${path}\n`, tree, parent: [head], author: identity, committer: identity } });
  await git.writeRef({ fs, gitdir, ref: 'refs/heads/bench-write', value: oid, force: true });
  const result = await git.push({ fs, http, gitdir, url, ref: 'refs/heads/bench-write', remoteRef: `refs/heads/${branch}`, cache });
  if (!result.ok) throw new Error(`isomorphic-git push failed: ${JSON.stringify(result.refs)}`);
  return oid;
}

async function replaceInTree(gitdir: string, cache: object, treeOid: string, segments: string[], blob: string): Promise<string> {
  const [name = '', ...rest] = segments;
  const { tree } = await git.readTree({ fs, gitdir, oid: treeOid, cache });
  const existing = tree.find((entry) => entry.path === name);
  const oid = rest.length === 0 ? blob : await replaceInTree(gitdir, cache, existing?.oid ?? '', rest, blob);
  const entry = { mode: rest.length === 0 ? '100644' : '040000', path: name, oid, type: rest.length === 0 ? ('blob' as const) : ('tree' as const) };
  return git.writeTree({ fs, gitdir, tree: [...tree.filter((e) => e.path !== name), entry] });
}
