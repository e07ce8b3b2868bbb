import type { FastifyInstance } from "fastify";
import { isSyntheticCitizenId } from "../../contract/common.js";
import { type Citizen, CitizenParams } from "../../contract/population.js";
import { createRng, hashSeed } from "../../kernel/pure/rng.js";
import { type CapacitySpec, WorkerPool } from "../lib/capacity.js";
import { sendError } from "../lib/errors.js";
import { createPartApp, parseOr400, registerPoolMetrics } from "../lib/part-app.js";

export interface PopulationOptions {
  seed: number;
  capacity?: CapacitySpec;
}

const family = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"];
const middle = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Thu", "Quang", "Thanh"];
const given = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Linh", "Nam", "Phương", "Tuấn"];

/** A synthetic citizen, the same for the same seed and id. Only ids with the reserved prefix 999 exist. */
export const syntheticCitizen = (seed: number, citizenId: string): Citizen | undefined => {
  if (!isSyntheticCitizenId(citizenId)) return undefined;
  const rng = createRng(hashSeed(seed, citizenId));
  const province = rng.int(1, 35);
  const dob = new Date(Date.UTC(rng.int(1940, 2007), rng.int(0, 12), rng.int(1, 29)));
  return {
    citizenId,
    fullName: `${rng.pick(family)} ${rng.pick(middle)} ${rng.pick(given)}`,
    dateOfBirth: dob.toISOString().slice(0, 10),
    gender: rng.next() < 0.5 ? "nam" : "nu",
    provinceCode: `H${String(province).padStart(2, "0")}`,
    address: `Số ${rng.int(1, 300)}, thôn mẫu ${rng.int(1, 20)}, xã mẫu ${rng.int(1, 97)}`,
    synthetic: true,
  };
};

/** The national population database lookup, over synthetic citizens only. */
export const buildApp = (options: PopulationOptions): FastifyInstance => {
  const { app, metrics } = createPartApp("population");
  const pool = new WorkerPool(options.capacity ?? { workers: 32, serviceTimeMs: 3 });
  app.get("/healthz", async () => ({ ok: true }));
  app.get<{ Params: { citizenId: string } }>("/citizens/:citizenId", async (request, reply) => {
    const params = parseOr400(CitizenParams, request.params, reply, "params");
    if (!params) return reply;
    return pool.run(
      () =>
        syntheticCitizen(options.seed, params.citizenId) ??
        sendError(
          reply,
          "CITIZEN_NOT_FOUND",
          "the mock population holds synthetic citizens (prefix 999) only",
        ),
    );
  });
  registerPoolMetrics(metrics, pool);
  return app;
};
