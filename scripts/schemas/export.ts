import { z } from "zod";
import { Adapter } from "../../adapters/schema.js";
import { FaultPlan } from "../../chaos/plan.js";
import { Verdict } from "../../reports/verdict/schema.js";
import { Profile } from "../../scenarios/profiles/schema.js";
import { RunConfig } from "../config/run-config.js";

/** The checked-in JSON Schemas (for editors and other tools), each generated from its zod schema. */
export const schemaExports = [
  {
    file: "examples/schemas/run-config.schema.json",
    title: "portal-harness run config",
    schema: RunConfig,
    io: "input",
  },
  {
    file: "examples/schemas/profile.schema.json",
    title: "portal-harness traffic profile",
    schema: Profile,
    io: "input",
  },
  {
    file: "examples/schemas/fault-plan.schema.json",
    title: "portal-harness fault plan",
    schema: FaultPlan,
    io: "input",
  },
  {
    file: "examples/schemas/verdict.schema.json",
    title: "portal-harness verdict.json",
    schema: Verdict,
    io: "output",
  },
  {
    file: "examples/schemas/adapter.schema.json",
    title: "portal-harness adapter",
    schema: Adapter,
    io: "input",
  },
] as const;

/**
 * JSON Schema text of one export. Config files are described as written (`io: input`: fields with defaults
 * may be left out); the verdict as the harness writes it (`io: output`).
 */
export const renderSchema = (e: (typeof schemaExports)[number]): string => {
  const json = z.toJSONSchema(e.schema, { io: e.io, target: "draft-2020-12", unrepresentable: "any" });
  return `${JSON.stringify({ ...json, title: e.title }, null, 2)}\n`;
};
