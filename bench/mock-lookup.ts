import { loadavg } from "node:os";
import autocannon from "autocannon";
import { cpuSeconds, cpuShares } from "./lib/cpu.js";
import { seedDossiers, startBenchStack } from "./lib/mock-stack.js";
import type { Benchmark, BenchResult } from "./lib/result.js";

const goal = { reqPerS: 5000, p99Ms: 20 };
const durationS = 10;
const connections = 32;
const codesCount = 200;

const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * The status-lookup path through the gateway under autocannon: citizen link (toxiproxy) → gateway (contract
 * validation, admission, failover router) → primary link (toxiproxy) → dossier service, and back. The same
 * lookups straight at the gateway's port show what the citizen link's proxy costs on this machine.
 */
export const mockLookup: Benchmark = {
  name: "mock-lookup",
  description: `status lookups (GET /api/v1/dossiers/{code}) through the gateway, ${connections} connections, ${durationS} s`,
  async run(say): Promise<BenchResult> {
    await using bench = await startBenchStack();
    const { stack, recorder } = bench;
    const codes = await seedDossiers(stack.citizenUrl, codesCount);
    say(`seeded ${codes.length} dossiers`);
    const requests = codes.map((c) => ({ method: "GET", path: `/api/v1/dossiers/${c}` }));
    const procs = new Map(recorder.state.children.map((c) => [c.name, c.pid] as [string, number]));
    procs.set("bench (autocannon)", process.pid);
    const sample = () => new Map([...procs].map(([n, pid]) => [n, cpuSeconds(pid)]));
    const measure = async (url: string, label: string) => {
      await autocannon({ url, connections, duration: 2, requests, timeout: 10 }); // warm-up
      const before = sample();
      const started = Date.now();
      const r = await autocannon({ url, connections, duration: durationS, requests, timeout: 10 });
      const cpu = cpuShares(before, sample(), (Date.now() - started) / 1000);
      say(
        `${label}: ${round(r.requests.average, 0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, errors ${r.errors}, non-2xx ${r.non2xx}; CPU ${JSON.stringify(cpu)}`,
      );
      return { r, cpu };
    };
    // Other work on the machine takes cores from the measured path: say how busy it was.
    const loadBefore = round(loadavg()[0] ?? Number.NaN);
    const linked = await measure(stack.citizenUrl, "through the citizen link");
    const direct = await measure(stack.partUrls.gateway ?? "", "straight at the gateway");
    const met =
      linked.r.requests.average >= goal.reqPerS &&
      linked.r.latency.p99 < goal.p99Ms &&
      linked.r.errors === 0 &&
      linked.r.non2xx === 0;
    const cpuText = (cpu: Record<string, number | null>) =>
      Object.entries(cpu)
        .filter(([, v]) => v !== null && v >= 0.02)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
    return {
      name: "mock-lookup",
      goal: `≥ ${goal.reqPerS} req/s with p99 < ${goal.p99Ms} ms on the status lookup through the citizen link and the gateway`,
      met,
      figures: {
        connections,
        "duration s": durationS,
        "machine load average (1 min) before": loadBefore,
        "distinct dossier codes": codes.length,
        "through link: req/s (mean)": round(linked.r.requests.average, 0),
        "through link: requests": linked.r.requests.total,
        "through link: p50 ms": linked.r.latency.p50,
        "through link: p90 ms": linked.r.latency.p90,
        "through link: p99 ms": linked.r.latency.p99,
        "through link: errors + timeouts": linked.r.errors + linked.r.timeouts,
        "through link: non-2xx": linked.r.non2xx,
        "through link: CPU (cores)": cpuText(linked.cpu),
        "gateway port: req/s (mean)": round(direct.r.requests.average, 0),
        "gateway port: p50 ms": direct.r.latency.p50,
        "gateway port: p99 ms": direct.r.latency.p99,
        "gateway port: non-2xx": direct.r.non2xx,
        "gateway port: CPU (cores)": cpuText(direct.cpu),
      },
      notes: [
        "Path: autocannon → toxiproxy (citizen-gateway) → gateway → toxiproxy (gateway-dossier-primary) → dossier primary; the second run skips the first proxy.",
        "autocannon, toxiproxy, the gateway and the dossier service share the machine's cores; the CPU figures (share of one core, per process) show where the time went. A load average near or above the core count before the run means other work competed for the cores, and the figures are lower than the machine can do.",
        `Each measurement follows a 2 s warm-up; ${connections} kept-alive connections cycle through ${codes.length} distinct dossier codes.`,
      ],
    };
  },
};
