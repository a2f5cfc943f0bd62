import type { IncomingMessage, Server, ServerResponse } from 'http';

/** How a provider server fails the next requests: HTTP 5xx, never answering, or refusing with a business code. */
export type FailureKind = 'outage' | 'timeout' | 'refuse';

/** A queue of planned failures (failNext), consumed one per request. */
export class FailurePlan {
  private readonly planned: { kind: FailureKind; code?: string }[] = [];

  add(n: number, kind: FailureKind, code?: string): void {
    for (let i = 0; i < n; i++) this.planned.push({ kind, code });
  }

  take(): { kind: FailureKind; code?: string } | null {
    return this.planned.shift() ?? null;
  }
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** Listens on an ephemeral port of 127.0.0.1; `stop` also ends requests left hanging (timeouts). */
export async function listen(server: Server): Promise<{ url: string; port: number; stop: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stop: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
