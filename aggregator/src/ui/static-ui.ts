// Serving the built UI (`ui/dist`) at `/`: files as they are, any other page path answered with index.html (SPA).
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Context } from 'hono';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

/** A GET handler serving files below `dir`; paths without a file fall back to `index.html`, missing assets are 404. */
export function serveUi(dir: string) {
  const root = normalize(dir);
  return async (c: Context): Promise<Response> => {
    let path: string;
    try {
      path = decodeURIComponent(c.req.path);
    } catch {
      return c.notFound();
    }
    const file = normalize(join(root, path));
    // A path that escapes the UI folder (`..`, encoded or not) is never read.
    if (file !== root && !file.startsWith(root + sep)) return c.notFound();
    const found = await isFile(file);
    if (found) return send(c, file, extname(file).toLowerCase());
    // Asset paths (with an extension) that do not exist are real 404s; page paths belong to the SPA's router.
    if (extname(path) !== '' && extname(path) !== '.html') return c.notFound();
    const index = join(root, 'index.html');
    if (await isFile(index)) return send(c, index, '.html');
    return c.html('<!doctype html><title>Cascade</title><p>The Cascade UI is not built. Build it with <code>npm run build -w ui</code>; the API is at <a href="/api/v1/openapi.json">/api/v1</a>.</p>', 404);
  };
}

async function send(c: Context, file: string, extension: string): Promise<Response> {
  const body = await readFile(file);
  // Built assets carry a content hash in their name and may be cached; index.html must always be fresh.
  const cache = extension === '.html' ? 'no-cache' : 'public, max-age=3600';
  return c.body(body, 200, { 'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream', 'cache-control': cache });
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
