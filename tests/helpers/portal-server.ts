import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * Serves the built renderer in `portalDir` on its own loopback port, standing in for the
 * file:// page of the desktop window: the page must still load after the portal service has stopped.
 */
export async function servePortal(portalDir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.woff2': 'font/woff2', '.mjs': 'text/javascript' };
  const server = http.createServer(async (request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const filePath = path.join(portalDir, pathname === '/' ? 'index.html' : path.normalize(pathname));
    if (!filePath.startsWith(portalDir)) return void response.writeHead(404).end();
    try {
      const body = await readFile(filePath);
      response.writeHead(200, { 'Content-Type': types[path.extname(filePath)] ?? 'application/octet-stream' }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
