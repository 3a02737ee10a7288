import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { AddressInfo } from 'node:net';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
};

/** An answer the server sends; `routes` may produce one for paths that are not files. */
export interface Answer {
  status: number;
  type: string;
  body: string | Buffer;
}

/** Extra dynamic routes, tried before files: return null to fall through to the folder. */
export type Routes = (pathname: string, origin: string) => Promise<Answer | null>;

/** A running static file server and where it listens. */
export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves a folder on 127.0.0.1 (the storefront lives on its own origin, so the widget's CORS and the
 * store's allowed_origins are exercised as on a real shop). `rewrite` may change each HTML page's text.
 */
export async function startStaticServer(opts: { root: string; port: number; rewrite?: (html: string) => string; routes?: Routes }): Promise<StaticServer> {
  const root = resolve(opts.root);
  const server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
    const routed = opts.routes ? opts.routes(pathname, origin) : Promise.resolve(null);
    routed
      .then((answer) => answer ?? serveFile(root, pathname, opts.rewrite))
      .then(
        ({ status, type, body }) => {
          res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
          res.end(req.method === 'HEAD' ? undefined : body);
        },
        () => {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end('Could not read the file');
        },
      );
  });
  await listen(server, opts.port);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

async function serveFile(root: string, pathname: string, rewrite?: (html: string) => string): Promise<Answer> {
  let path = normalize(join(root, decodeURIComponent(pathname)));
  if (path !== root && !path.startsWith(root + sep)) return notFound();
  const info = await stat(path).catch(() => null);
  if (info?.isDirectory()) path = join(path, 'index.html');
  else if (!info && !extname(path)) path += '.html';
  const body = await readFile(path).catch(() => null);
  if (!body) return notFound();
  const type = TYPES[extname(path)] ?? 'application/octet-stream';
  if (rewrite && extname(path) === '.html') return { status: 200, type, body: rewrite(body.toString('utf8')) };
  return { status: 200, type, body };
}

function notFound(): Answer {
  return { status: 404, type: 'text/plain; charset=utf-8', body: 'Not found' };
}

/** Listens on 127.0.0.1 at `port`; when that port is taken and `port` was a default, uses any free port. */
export function listen(server: Server, port: number): Promise<void> {
  return new Promise((done, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' && port !== 0) listen(server, 0).then(done, fail);
      else fail(err);
    });
    server.listen(port, '127.0.0.1', () => done());
  });
}
