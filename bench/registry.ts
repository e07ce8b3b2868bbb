import { analysis1gb } from "./analysis-1gb.js";
import { engineContext } from "./engine-context.js";
import { engineThroughput } from "./engine-throughput.js";
import { engineVus } from "./engine-vus.js";
import { gate } from "./gate.js";
import { journeyRate } from "./journey-rate.js";
import type { Benchmark } from "./lib/result.js";
import { mockLookup } from "./mock-lookup.js";
import { selftest } from "./selftest.js";
import { toxiproxyOverhead } from "./toxiproxy-overhead.js";

/** Every benchmark `npm run bench` knows, by name. Add one line per benchmark module. */
export const benchmarks: Benchmark[] = [
  engineThroughput,
  engineVus,
  engineContext,
  journeyRate,
  toxiproxyOverhead,
  mockLookup,
  analysis1gb,
  selftest,
  gate,
];
