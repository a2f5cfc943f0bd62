const g = globalThis as unknown as { __cpServers?: { refs: number; stops: (() => Promise<void>)[] } };

/** Stops the servers the global setup started, after the last project that used them. */
export default async function globalTeardown(): Promise<void> {
  const servers = g.__cpServers;
  if (!servers) return;
  servers.refs -= 1;
  if (servers.refs > 0) return;
  for (const stop of servers.stops.reverse()) await stop().catch(() => undefined);
  g.__cpServers = undefined;
}
