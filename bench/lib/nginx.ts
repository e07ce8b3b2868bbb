import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { allocatePorts } from "../../kernel/ports.js";
import { startProcess, type TrackedProcess } from "../../kernel/processes.js";
import { nginxPath } from "../../scripts/tools/setup-extras.js";

/**
 * Debian's nginx as the engine benchmarks' server: one worker pinned to CPU 0, on a loopback port, serving
 * Debian's default page (615 bytes) with an access log, as a stock install does; enough connections for 50,000
 * VUs. Its own prefix in a temporary folder; stopped (and the folder removed) by `stop()`.
 */
export interface Nginx extends AsyncDisposable {
  url: string;
  record: TrackedProcess;
  stop(): Promise<void>;
}

const defaultPage = "/var/www/html/index.nginx-debian.html";

/** `cpu`: the core nginx is pinned to, or null to let the scheduler place it. */
export const startNginx = async (cpu: number | null = 0): Promise<Nginx> => {
  const binary = existsSync(nginxPath) ? nginxPath : "nginx";
  const dir = mkdtempSync(join(tmpdir(), "bench-nginx-"));
  // nginx's worker drops root to its own user, which must be able to read the page.
  chmodSync(dir, 0o755);
  const www = join(dir, "www");
  mkdirSync(join(dir, "logs"), { recursive: true });
  mkdirSync(www, { recursive: true });
  if (existsSync(defaultPage)) copyFileSync(defaultPage, join(www, "index.html"));
  else
    writeFileSync(join(www, "index.html"), `<!DOCTYPE html><html><body>${"x".repeat(560)}</body></html>\n`);
  const [port] = (await allocatePorts(1)) as [number];
  writeFileSync(
    join(dir, "nginx.conf"),
    `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/logs/error.log warn;
worker_rlimit_nofile 60000;
events { worker_connections 60000; }
http {
  include /etc/nginx/mime.types;
  access_log ${dir}/logs/access.log;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${www};
  }
}
`,
  );
  const args = [binary, "-p", dir, "-c", join(dir, "nginx.conf")];
  const [command, ...rest] = cpu === null ? args : ["taskset", "-c", String(cpu), ...args];
  const url = `http://127.0.0.1:${port}/`;
  // nginx writes its own error log; what it says before opening it goes to the bench's stderr. On a failed
  // start its folder is kept, so the log named in the error is there to read.
  const started = await startProcess({
    name: "nginx",
    command: command as string,
    args: rest,
    stdio: ["ignore", "ignore", "inherit"],
    logFile: join(dir, "logs", "error.log"),
    ready: { url },
    timeoutMs: 10_000,
  });
  const stop = async () => {
    await started.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, record: started.record, stop, [Symbol.asyncDispose]: stop };
};
