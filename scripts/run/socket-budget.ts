import { readFileSync } from "node:fs";

/**
 * How many sockets a plan's load needs at its peak, and whether this machine allows that many: the engine is
 * one process, so all its connections count against one open-file limit, and every connection takes a local
 * port from the kernel's ephemeral range.
 */

/** The entries the load reaches; each is its own link, so its own origin (scheme, host, port). */
export type Origin = "citizen" | "officer" | "national";

/**
 * The origins each journey (a scenario's `exec`) talks to, as `scenarios/journeys/` wires them: citizens
 * through the citizens' link, officers, reporting and meetings through the officers' link, provincial sync
 * through the national link. A journey not listed is counted on every origin the target has.
 */
export const journeyOrigins: Readonly<Record<string, readonly Origin[]>> = {
  browse: ["citizen"],
  submit: ["citizen"],
  officer: ["officer"],
  report: ["officer"],
  meeting: ["officer"],
  sync: ["national"],
};

/**
 * Where each origin really goes for a target: the mock has all three links; a URL target is reached through
 * the citizens' link only (officers use it too, and there is no national link, so provincial sync is not run).
 */
export const targetOrigins = (kind: "mock" | "url"): Readonly<Record<Origin, Origin | null>> =>
  kind === "mock"
    ? { citizen: "citizen", officer: "officer", national: "national" }
    : { citizen: "citizen", officer: "citizen", national: null };

export interface ScenarioSockets {
  name: string;
  maxVUs: number;
  origins: Origin[];
  sockets: number;
}

/**
 * Peak sockets of a plan: a VU keeps at most one connection per origin it talks to, and a scenario never has
 * more than `maxVUs` VUs, so the peak is the sum over scenarios of maxVUs × origins. Pure.
 */
export const estimateSockets = (
  scenarios: ReadonlyArray<{ name: string; exec: string; maxVUs: number }>,
  origins: Readonly<Record<Origin, Origin | null>>,
): { sockets: number; scenarios: ScenarioSockets[] } => {
  const all = [...new Set(Object.values(origins).filter((o): o is Origin => o !== null))];
  const rows = scenarios.map((s) => {
    const wanted = journeyOrigins[s.exec];
    const reached = wanted
      ? [...new Set(wanted.map((o) => origins[o]).filter((o): o is Origin => o !== null))]
      : all;
    // A journey whose origin the target lacks is not run (no sockets).
    return { name: s.name, maxVUs: s.maxVUs, origins: reached, sockets: s.maxVUs * reached.length };
  });
  return { sockets: rows.reduce((sum, r) => sum + r.sockets, 0), scenarios: rows };
};

/** Soft and hard limits on open files (null: unlimited). */
export interface OpenFiles {
  soft: number | null;
  hard: number | null;
}

export interface MachineLimits {
  /** This process's open-file limit (the engine, a child, inherits it); null when it cannot be read. */
  openFiles: OpenFiles | null;
  /** The kernel's ephemeral port range for outgoing connections; null when it cannot be read. */
  localPorts: { min: number; max: number } | null;
  /**
   * Linux's connection tracking table, which keeps every connection (loopback included) for a while after it
   * closes; when it is full, new connections' packets are dropped. Null when tracking is not active.
   */
  conntrack?: { max: number; count: number; timeWaitS: number } | null;
}

const limitValue = (v: string): number | null => (v === "unlimited" ? null : Number(v));

/** The "Max open files" line of /proc/self/limits. */
export const parseOpenFiles = (limits: string): OpenFiles | null => {
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limits);
  return m ? { soft: limitValue(m[1] as string), hard: limitValue(m[2] as string) } : null;
};

/** /proc/sys/net/ipv4/ip_local_port_range: "32768\t60999". */
export const parsePortRange = (text: string): { min: number; max: number } | null => {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  return m ? { min: Number(m[1]), max: Number(m[2]) } : null;
};

const readOr = <T>(file: string, parse: (text: string) => T | null): T | null => {
  try {
    return parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
};

/**
 * Reads the limits from /proc. Node raises its soft open-file limit to the hard one when it starts, so the
 * soft limit read here is the one the engine process will have.
 */
export const readMachineLimits = (): MachineLimits => {
  const num = (t: string) => (/^\s*\d+\s*$/.test(t) ? Number(t) : null);
  const max = readOr("/proc/sys/net/netfilter/nf_conntrack_max", num);
  return {
    openFiles: readOr("/proc/self/limits", parseOpenFiles),
    localPorts: readOr("/proc/sys/net/ipv4/ip_local_port_range", parsePortRange),
    conntrack:
      max === null
        ? null
        : {
            max,
            count: readOr("/proc/sys/net/netfilter/nf_conntrack_count", num) ?? 0,
            timeWaitS: readOr("/proc/sys/net/netfilter/nf_conntrack_tcp_timeout_time_wait", num) ?? 120,
          },
  };
};

/** Descriptors the engine holds besides its sockets: stdio, IPC, output files, each worker thread's loop. */
export const reservedFiles = (workers: number): number => 64 + 8 * workers;

export interface SocketBudget {
  /** Peak sockets the load may hold (estimate). */
  sockets: number;
  scenarios: ScenarioSockets[];
  /** Open files the engine needs: the sockets plus its own descriptors. */
  files: number;
  openFiles: OpenFiles | null;
  localPorts: { min: number; max: number; count: number } | null;
  fits: boolean;
  /** Why it does not fit, one line each (empty when it fits). */
  problems: string[];
}

/**
 * Judges an estimate against the limits. The port check counts every socket against the whole range: Linux
 * can reuse a local port towards different destinations, but the mock's proxies funnel the citizens' and the
 * officers' links into the one gateway, so the total is the bound that holds. A limit that cannot be read is
 * not judged. Pure.
 */
export const judgeSockets = (
  estimate: { sockets: number; scenarios: ScenarioSockets[] },
  limits: MachineLimits,
  workers: number,
): SocketBudget => {
  const files = estimate.sockets + reservedFiles(workers);
  const ports = limits.localPorts
    ? { ...limits.localPorts, count: limits.localPorts.max - limits.localPorts.min + 1 }
    : null;
  const problems: string[] = [];
  const soft = limits.openFiles?.soft ?? null;
  if (soft !== null && files > soft)
    problems.push(
      `${estimate.sockets} sockets + ${reservedFiles(workers)} of the engine's own files > the open-file limit ${soft}`,
    );
  if (ports && estimate.sockets > ports.count)
    problems.push(
      `${estimate.sockets} sockets > the ${ports.count} local ports of the range ${ports.min}-${ports.max}`,
    );
  return {
    sockets: estimate.sockets,
    scenarios: estimate.scenarios,
    files,
    openFiles: limits.openFiles,
    localPorts: ports,
    fits: problems.length === 0,
    problems,
  };
};

/** One line for `plan` and `doctor`. */
export const describeLimits = (limits: MachineLimits): string => {
  const f = limits.openFiles;
  const n = (v: number | null) => (v === null ? "unlimited" : String(v));
  const files = f ? `open files ${n(f.soft)} (hard ${n(f.hard)})` : "open files unknown";
  const p = limits.localPorts;
  const ports = p ? `local ports ${p.min}-${p.max} (${p.max - p.min + 1})` : "local port range unknown";
  const c = limits.conntrack;
  const tracking = c
    ? `, connection tracking ${c.max} entries (${c.count} in use; a closed connection stays ${c.timeWaitS} s: at most about ${Math.floor(c.max / c.timeWaitS)} new connections a second sustained)`
    : "";
  return `${files}, ${ports}${tracking}`;
};
