import * as net from 'net';

/** A loopback TCP proxy a test can cut, to make a dependency "go down" without stopping the shared server. */
export class TcpProxy {
  private server!: net.Server;
  private sockets = new Set<net.Socket>();
  port = 0;
  private up = true;

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const p = new TcpProxy();
    p.server = net.createServer((client) => {
      if (!p.up) return client.destroy();
      const upstream = net.connect(targetPort, targetHost);
      for (const s of [client, upstream]) {
        p.sockets.add(s);
        s.on('close', () => p.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => p.server.listen(0, '127.0.0.1', r));
    p.port = (p.server.address() as net.AddressInfo).port;
    return p;
  }

  /** Drops every connection and refuses new ones. */
  cut(): void {
    this.up = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.up = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
