/** The node:http server around the request listener: its last-resort 500, listening, and the origin clients use. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Only a sandbox bug gets here; answer if nothing was sent yet, else cut the connection. */
function answerSandboxFailure(res: ServerResponse, error: unknown): void {
  if (!res.headersSent && !res.destroyed) {
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        message: `Sandbox failure: ${error instanceof Error ? error.message : String(error)}`,
      }),
    );
  } else {
    res.destroy();
  }
}

/**
 * Idle keep-alive sockets stay open long after any client's own idle timer (undici's is the
 * server's hint minus 1 s): with Node's default 5 s, a client whose event loop was busy for a
 * second (building a 30 MB upload on a loaded machine) could reuse a socket the server had
 * just closed and see ECONNRESET. `close()` ends every connection anyway.
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export function createSandboxServer(listener: RequestListener): Server {
  return createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, (req, res) => {
    listener(req, res).catch((error: unknown) => answerSandboxFailure(res, error));
  });
}

/** `host` may be a bracketed IPv6 literal, as in URLs. */
export async function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host.replace(/^\[|\]$/g, ''), () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server.address() as AddressInfo;
}

export function originOf(address: AddressInfo): string {
  const hostPart =
    address.family === 'IPv6' || address.address.includes(':')
      ? `[${address.address}]`
      : address.address;
  return `http://${hostPart}:${address.port}`;
}
