import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startProcess, type TrackedProcess } from "../../kernel/processes.js";

/**
 * podman's Docker-compatible API, started for one run on a socket of its own and stopped with it. No Docker
 * engine runs on these machines; podman does (as root, with runc: `portal-harness setup --extras` installs it
 * and writes /etc/containers/containers.conf). The socket is private to this process, so stopping the service
 * never pulls it from under another run; it keeps its path across services of the same process because
 * testcontainers connects once per process and keeps that connection's socket path. So one service at a time
 * per process.
 */
export interface PodmanService extends AsyncDisposable {
  /** Path of the API's unix socket. */
  socket: string;
  /** `unix://...`, for DOCKER_HOST. */
  dockerHost: string;
  record: TrackedProcess;
  stop(): Promise<void>;
}

/** GET a path on the API socket; resolves to the HTTP status, or null when nothing answers. */
export const pingSocket = (socket: string, path = "/_ping", timeoutMs = 1000): Promise<number | null> =>
  new Promise((resolvePromise) => {
    const req = request({ socketPath: socket, path, method: "GET", timeout: timeoutMs }, (res) => {
      res.resume();
      resolvePromise(res.statusCode ?? null);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolvePromise(null));
    req.end();
  });

export const podmanAvailable = (): boolean =>
  spawnSync("podman", ["--version"], { stdio: "ignore", timeout: 10_000 }).status === 0;

let active = false;

export const startPodmanService = async (
  onStart?: (record: TrackedProcess) => void,
): Promise<PodmanService> => {
  if (!podmanAvailable())
    throw new Error(
      "podman is not installed: run `npx portal-harness setup --extras` (needs root and apt-get)",
    );
  if (active) throw new Error("a podman service of this process is running: one containers stack at a time");
  const dir = join(tmpdir(), `ph-podman-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, "podman.sock");
  active = true;
  const done = () => {
    rmSync(dir, { recursive: true, force: true });
    active = false;
  };
  try {
    const service = await startProcess({
      name: "podman-service",
      command: "podman",
      args: ["system", "service", "--time=0", `unix://${socket}`],
      ready: { check: async () => (await pingSocket(socket)) === 200 },
      timeoutMs: 30_000,
      intervalMs: 100,
      stopGraceMs: 5000,
      ...(onStart === undefined ? {} : { record: onStart }),
    });
    const stop = async () => {
      await service.stop();
      done();
    };
    return {
      socket,
      dockerHost: `unix://${socket}`,
      record: service.record,
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (e) {
    done();
    throw e;
  }
};
