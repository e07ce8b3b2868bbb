import type { AddressInfo } from "node:net";
import { type InProcessMock, startInProcessMock } from "../../mocks/testing/in-process.js";

/**
 * The real mock portal for the journeys' tests, every part in this process on its own loopback port (no
 * toxiproxy): the gateway is the citizens' and officers' entry, the national-sync part the provinces'.
 * Disposable with `await using`.
 */
export interface LocalPortal extends AsyncDisposable {
  /** The gateway (citizen and officer entry). */
  url: string;
  /** The national portal's sync API (the province → national link). */
  nationalUrl: string;
  mock: InProcessMock;
  close(): Promise<void>;
}

export const startPortal = async (
  overrides: Parameters<typeof startInProcessMock>[1] = {},
): Promise<LocalPortal> => {
  const mock = await startInProcessMock("healthy", overrides);
  const { port } = mock.gateway.server.address() as AddressInfo;
  const close = () => mock.close();
  return {
    url: `http://127.0.0.1:${port}`,
    nationalUrl: mock.parts.get("national-sync")?.url ?? "",
    mock,
    close,
    [Symbol.asyncDispose]: close,
  };
};

/** A JSON GET against the portal from the test (to read the state the load left behind). */
export const getJson = async <T>(url: string): Promise<{ status: number; body: T }> => {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: (await res.json()) as T };
};
