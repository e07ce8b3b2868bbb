import { createServer } from "node:net";

/** Proxy listen ports stay below the kernel's ephemeral range (32768+) so outgoing sockets never collide. */
export const portRange = { min: 20000, max: 32000 } as const;

const tryListen = (port: number, host: string): Promise<boolean> =>
  new Promise((resolvePromise) => {
    const server = createServer();
    server.once("error", () => resolvePromise(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolvePromise(true)));
  });

export const isPortFree = (port: number, host = "127.0.0.1"): Promise<boolean> => tryListen(port, host);

/** Allocates `count` distinct free loopback ports from the range, starting at a random offset. */
export const allocatePorts = async (count: number, host = "127.0.0.1"): Promise<number[]> => {
  const span = portRange.max - portRange.min;
  const start = portRange.min + Math.floor(Math.random() * span);
  const ports: number[] = [];
  for (let i = 0; i < span && ports.length < count; i++) {
    const port = portRange.min + ((start - portRange.min + i) % span);
    if (await tryListen(port, host)) ports.push(port);
  }
  if (ports.length < count) throw new Error(`only ${ports.length} of ${count} free ports found`);
  return ports;
};
