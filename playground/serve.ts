/**
 * A tiny static server for the built playground (site/), bound to 127.0.0.1 so the page is a secure
 * context (WebCrypto checks the MNIST subset). Only GET/HEAD of files under the root; no listings.
 * Usage: npx tsx playground/serve.ts [--port N] [--root dir]   (`npm run playground` builds first)
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readFile, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8', '.gz': 'application/octet-stream', '.png': 'image/png', '.json': 'application/json',
};

/** Starts serving `rootDir` on 127.0.0.1:`port` (0 = any free port); resolves with the server and its URL. */
export function startServer(rootDir: string, port = 0): Promise<{ server: Server; url: string }> {
  const base = resolve(rootDir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !(file === base || file.startsWith(base + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    readFile(file, (error, data) => {
      if (error) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`${error.message}\n`);
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : data);
    });
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolvePromise({ server, url: `http://127.0.0.1:${actual}/` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const portText = arg('--port') ?? '8080';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`playground serve: --port must be an integer in [0, 65535], got '${portText}'`);
    process.exit(2);
  }
  const rootDir = arg('--root') ?? 'site';
  if (!existsSync(join(rootDir, 'index.html'))) {
    console.error(`playground serve: ${rootDir}/index.html not found; run \`npm run playground:build\` first`);
    process.exit(2);
  }
  startServer(rootDir, port).then(({ url }) => console.log(`pqkd playground: ${url} (Ctrl-C to stop)`), (error: Error) => {
    console.error(`playground serve: cannot listen on 127.0.0.1:${port}: ${error.message}`);
    process.exit(2);
  });
}
