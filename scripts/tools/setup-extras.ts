import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { environmentError } from "../lib/errors.js";

type Say = (line: string) => void;

/** Debian's Chromium (HTML report test), podman + runc (containers stack) and wrk (journey benchmark). */
export const chromiumPath = "/usr/bin/chromium";

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
  // wrk is the reference load generator the journey benchmark compares k6 with.
  if (!has("wrk")) aptInstall(["wrk"], say);
  say("wrk ready");
};
