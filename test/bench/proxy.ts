// A bench child: the round-robin proxy in front of the instances of the cluster row, as a TLS-terminating
// load balancer would be (nginx with `keepalive` upstreams): keep-alive connections to every instance,
// X-Forwarded-For appended and X-Forwarded-Proto https (the instances run with TRUST_PROXY=1).
// BENCH_UPSTREAMS: the instances' ports, comma-separated. Prints one JSON line with its URL when it listens.
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const ports = (process.env.BENCH_UPSTREAMS ?? '').split(',').map(Number);
// Idle upstream sockets are dropped after 4 s, before the app's own keep-alive timeout (Node's 5 s) closes them.
const agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 });
let next = 0;

function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, port: number, retry: boolean): void {
  const remote = req.socket.remoteAddress ?? '127.0.0.1';
  const prior = req.headers['x-forwarded-for'];
  const headers = { ...req.headers, 'x-forwarded-for': prior ? `${String(prior)}, ${remote}` : remote, 'x-forwarded-proto': 'https' };
  const upstream = request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers, agent }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    // A reused keep-alive socket the instance closed at that very moment: nothing reached it, send it again.
    if (retry && upstream.reusedSocket && err.code === 'ECONNRESET') return forward(req, res, body, port, false);
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end(`proxy: ${err.code ?? err.message}`);
    else res.destroy();
  });
  upstream.end(body);
}

const server = createServer((req, res) => {
  const port = ports[next++ % ports.length];
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => forward(req, res, Buffer.concat(chunks), port, true));
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
