import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { environmentError } from "../../kernel/errors.js";
import { toolsCacheDir } from "../../kernel/paths.js";
import { type ToolName, toolSpecs } from "../../kernel/tool-versions.js";
import { type FoundTool, findTool, toolDir } from "../../kernel/tools.js";

type Say = (line: string) => void;

/** Parses `go version go1.26.8 linux/amd64` into [1, 26]. */
export const parseGoVersion = (text: string): readonly [number, number] | null => {
  const m = /go(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : null;
};

export const goVersionAtLeast = (have: readonly [number, number], need: readonly [number, number]): boolean =>
  have[0] > need[0] || (have[0] === need[0] && have[1] >= need[1]);

const checkGo = (name: ToolName): void => {
  const res = spawnSync("go", ["version"], { encoding: "utf8" });
  const need = toolSpecs[name].minGo;
  const wanted = `Go ${need[0]}.${need[1]} or newer`;
  if (res.error || res.status !== 0) {
    throw environmentError(
      `cannot build ${name}: the Go toolchain is not installed (${wanted} is needed).`,
      `Install Go, or point ${toolSpecs[name].envOverride} at a ${name} binary.`,
    );
  }
  const have = parseGoVersion(res.stdout);
  if (have === null || !goVersionAtLeast(have, need)) {
    throw environmentError(
      `cannot build ${name}: ${res.stdout.trim()} is too old; ${wanted} is needed.`,
      `Install a newer Go, or point ${toolSpecs[name].envOverride} at a ${name} binary.`,
    );
  }
};

/** Runs a go command, printing a heartbeat so a long cold build is visibly alive. */
const runGo = (
  args: string[],
  cwd: string,
  label: string,
  say: Say,
): Promise<{ code: number; output: string }> =>
  new Promise((resolvePromise) => {
    const started = Date.now();
    const child = spawn("go", args, {
      cwd,
      env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      output += d.toString();
    });
    const beat = setInterval(
      () => say(`  … ${label}: ${Math.round((Date.now() - started) / 1000)} s`),
      15_000,
    );
    child.on("close", (code) => {
      clearInterval(beat);
      resolvePromise({ code: code ?? 1, output });
    });
    child.on("error", (err) => {
      clearInterval(beat);
      resolvePromise({ code: 1, output: String(err) });
    });
  });

const refusedByProxy = (output: string): boolean => /403 Forbidden|not available|404 Not Found/.test(output);

/** Builds one version into its cache folder. Returns false when the module proxy refuses that version. */
const buildVersion = async (name: ToolName, version: string, say: Say): Promise<boolean> => {
  const spec = toolSpecs[name];
  mkdirSync(toolsCacheDir(), { recursive: true });
  const work = mkdtempSync(join(toolsCacheDir(), `.build-${name}-`));
  try {
    say(`building ${name} ${version} from source with Go (a cold build takes a few minutes)`);
    const init = await runGo(["mod", "init", `portal-harness-build/${name}`], work, "go mod init", say);
    if (init.code !== 0) throw environmentError(`go mod init failed:\n${init.output}`);
    const get = await runGo(["get", `${spec.module}@${version}`], work, `fetching ${name} ${version}`, say);
    if (get.code !== 0) {
      if (refusedByProxy(get.output)) {
        say(
          `  the Go module proxy refuses ${spec.module}@${version}: ${get.output.trim().split("\n").at(-1)}`,
        );
        return false;
      }
      throw environmentError(`fetching ${spec.module}@${version} failed:`, get.output.trim());
    }
    const out = join(work, spec.binary);
    const build = await runGo(
      ["build", "-trimpath", "-ldflags", spec.ldflags(version), "-o", out, spec.pkg],
      work,
      `compiling ${name} ${version}`,
      say,
    );
    if (build.code !== 0) throw environmentError(`building ${name} ${version} failed:`, build.output.trim());
    const dir = toolDir(name, version);
    mkdirSync(dir, { recursive: true });
    renameSync(out, join(dir, spec.binary));
    say(`built ${name} ${version} into ${dir}`);
    return true;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
};

/** Makes sure a binary of the tool exists, building the pin (or, if refused, the next version) when missing. */
export const ensureTool = async (name: ToolName, say: Say): Promise<FoundTool> => {
  const spec = toolSpecs[name];
  const found = findTool(name);
  if (found && !found.offPin) return found;
  if (found && process.env[spec.envOverride]) return found;
  checkGo(name);
  for (const version of spec.versions) {
    if (found && found.version.replace(/^v/, "") === version.replace(/^v/, "")) return found;
    if (await buildVersion(name, version, say)) {
      const built = findTool(name);
      if (built) return built;
    }
  }
  if (found) return found;
  throw environmentError(`no version of ${name} could be built (tried ${spec.versions.join(", ")}).`);
};

export const ensureTools = async (say: Say): Promise<FoundTool[]> => {
  const result: FoundTool[] = [];
  for (const name of Object.keys(toolSpecs) as ToolName[]) {
    const tool = await ensureTool(name, say);
    say(
      `${name} ${tool.version} ready${tool.offPin ? ` (pinned ${tool.pinned} unavailable, see doctor)` : ""}`,
    );
    result.push(tool);
  }
  return result;
};
