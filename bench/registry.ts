import { analysis1gb } from "./analysis-1gb.js";
import { journeyRate } from "./journey-rate.js";
import type { Benchmark } from "./lib/result.js";
import { mockLookup } from "./mock-lookup.js";
import { toxiproxyOverhead } from "./toxiproxy-overhead.js";

/** Every benchmark `npm run bench` knows, by name. Add one line per benchmark module. */
export const benchmarks: Benchmark[] = [journeyRate, toxiproxyOverhead, mockLookup, analysis1gb];
