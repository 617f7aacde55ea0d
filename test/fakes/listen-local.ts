/** Start and stop a local fake's server: 127.0.0.1 on a free port, closed with its open connections. */
import type { AddressInfo, Server } from 'node:net';

export async function listenLocal(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export function closeServer(server: Server & { closeAllConnections?: () => void }): Promise<void> {
  return new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); });
}
