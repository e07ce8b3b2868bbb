import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { environmentError } from "../../kernel/errors.js";

type Say = (line: string) => void;

/**
 * Debian's Chromium (HTML report test), podman + runc (containers stack), wrk (the reference load generator
 * the benchmarks compare the engine with) and nginx (the engine-throughput benchmark's server). Each is
 * installed only when missing, so once they are there nothing asks a package mirror again.
 */
export const chromiumPath = "/usr/bin/chromium";
export const nginxPath = "/usr/sbin/nginx";

const has = (cmd: string): boolean =>
  spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

const aptInstall = (packages: string[], say: Say): void => {
  if (process.getuid?.() !== 0 || !has("apt-get"))
    throw environmentError(
      `missing ${packages.join(", ")}: install them with your package manager (apt-get install -y ${packages.join(" ")})`,
    );
  say(`installing ${packages.join(", ")} from Debian's packages (apt-get)`);
  const update = spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit" });
  if (update.status !== 0) throw environmentError("apt-get update failed");
  const install = spawnSync("apt-get", ["install", "-y", "-qq", "--no-install-recommends", ...packages], {
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
  });
  if (install.status !== 0) throw environmentError(`apt-get install ${packages.join(" ")} failed`);
};

/** crun fails on these hosts' cgroups and raising ulimits is not permitted: runc with fixed ulimits works. */
const containersConf = `[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1000:1000"]
[engine]
runtime = "runc"
`;

/** Debian's hook that maintainer scripts ask before starting a service; exit 101 means "do not". */
const policyRcD = "/usr/sbin/policy-rc.d";
const denyAll = "#!/bin/sh\n# portal-harness setup: no service starts while nginx is installed\nexit 101\n";

/**
 * Installs nginx without starting it or enabling it at boot: the benchmark starts its own nginx, with its own
 * config, pinned to a CPU, and stops it. A service on port 80 would be a process this project did not record.
 * The maintainer scripts are held back by a temporary policy-rc.d (the admin's own, if any, is put back), and
 * the unit and init links the package creates are removed afterwards.
 */
const installNginx = (say: Say): void => {
  const saved = `${policyRcD}.portal-harness-saved`;
  const own = existsSync(policyRcD) ? readFileSync(policyRcD, "utf8") : null;
  const alreadyDenies = own !== null && /^\s*exit 101\s*$/m.test(own);
  if (!alreadyDenies && process.getuid?.() === 0) {
    if (own !== null) renameSync(policyRcD, saved);
    writeFileSync(policyRcD, denyAll, { mode: 0o755 });
  }
  try {
    aptInstall(["nginx"], say);
  } finally {
    if (!alreadyDenies && process.getuid?.() === 0) {
      rmSync(policyRcD, { force: true });
      if (own !== null) renameSync(saved, policyRcD);
    }
  }
  if (has("deb-systemd-helper"))
    spawnSync("deb-systemd-helper", ["disable", "nginx.service"], { stdio: "ignore" });
  if (has("update-rc.d")) spawnSync("update-rc.d", ["nginx", "disable"], { stdio: "ignore" });
  say("nginx installed (not started, not enabled as a service)");
};

export const ensureExtras = (say: Say): void => {
  if (!existsSync(chromiumPath)) aptInstall(["chromium"], say);
  say(`chromium ready at ${chromiumPath}`);
  if (!has("podman") || !has("runc")) aptInstall(["podman", "runc"], say);
  const conf = "/etc/containers/containers.conf";
  if (!existsSync(conf) || !readFileSync(conf, "utf8").includes('runtime = "runc"')) {
    mkdirSync("/etc/containers", { recursive: true });
    writeFileSync(conf, containersConf);
    say(`wrote ${conf} (runc, fixed ulimits)`);
  }
  say("podman ready");
  if (!has("wrk")) aptInstall(["wrk"], say);
  say("wrk ready");
  if (!existsSync(nginxPath) && !has("nginx")) installNginx(say);
  say(`nginx ready at ${existsSync(nginxPath) ? nginxPath : "nginx"}`);
};
