// Environments that hold a template resource at the same files share its rendered manifests (one copy, frozen);
// anything that makes the render differ, or a decrypted value, keeps a render's manifests its own.
import { describe, expect, it } from 'vitest';
import { repoFilesFromText } from '../repo/files.ts';
import { parseSnapshot } from './snapshot.ts';
import { renderEnvironment } from './render.ts';
import type { Manifest, RenderedResource } from './types.ts';

const BASE = 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cart }\ndata: { VERSION: $version, IMAGE: "${image}", LEVEL: info }\n';
const version = (v: string) => `version: "${v}"\nimage: registry.example.com/cart:${v}\n`;
const ENCRYPTED = 'version: "1.0.0"\nimage: ENC[AES256_GCM,data:x,iv:y,tag:z,type:str]\nsops:\n  version: 3.9.0\n';

/** The manifests of `shop/cart` in each environment, rendered from one snapshot of `texts`. */
function manifestsOf(texts: Record<string, string>, envs: string[]): Manifest[][] {
  const snapshot = parseSnapshot(repoFilesFromText('c0', texts));
  const cache = new Map<string, unknown>();
  return envs.map((env) => {
    const render = renderEnvironment(snapshot, env, cache).find((r) => r.name === 'shop/cart') as RenderedResource & { ok: true };
    expect(render).toMatchObject({ ok: true, env });
    return render.manifests;
  });
}

/** A repo where each environment holds shop/cart from the same base and the version file given. */
function repo(versions: Record<string, string>): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [env, text] of Object.entries(versions)) {
    texts[`${env}/base/shop/cart.yaml`] = BASE;
    texts[`${env}/version/shop/cart.yaml`] = text;
  }
  return texts;
}

describe('rendered manifests shared between environments', () => {
  it('hands environments at the same files the same manifests, frozen', () => {
    const [dev, pp] = manifestsOf(repo({ dev: version('1.2.0'), pp: version('1.2.0') }), ['dev', 'pp']);
    expect(pp).toBe(dev);
    expect(dev![0]).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cart' }, data: { VERSION: '1.2.0', IMAGE: 'registry.example.com/cart:1.2.0', LEVEL: 'info' } });
    const data = dev![0]!.data as Record<string, string>;
    expect(() => {
      data.VERSION = '9.9.9';
    }).toThrow(TypeError);
  });

  it('keeps the manifests of environments at other versions their own', () => {
    const [dev, pp] = manifestsOf(repo({ dev: version('1.2.0'), pp: version('1.1.0') }), ['dev', 'pp']);
    expect(pp).not.toBe(dev);
    expect(pp![0]).toMatchObject({ data: { VERSION: '1.1.0', IMAGE: 'registry.example.com/cart:1.1.0' } });
    expect(dev![0]).toMatchObject({ data: { VERSION: '1.2.0', IMAGE: 'registry.example.com/cart:1.2.0' } });
  });

  it('keeps a render with encrypted version values its own', () => {
    const [dev, pp] = manifestsOf(repo({ dev: ENCRYPTED, pp: ENCRYPTED }), ['dev', 'pp']);
    expect(pp).not.toBe(dev);
    expect(pp).toEqual(dev);
  });
});
