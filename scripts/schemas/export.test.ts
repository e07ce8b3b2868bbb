import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../kernel/paths.js";
import { renderSchema, schemaExports } from "./export.js";

describe("checked-in JSON Schemas", () => {
  it.each(schemaExports.map((e) => [e.file, e] as const))(
    "%s matches its zod schema (run `npm run schemas`)",
    (file, e) => {
      const checkedIn = readFileSync(join(projectRoot(), file), "utf8");
      expect(checkedIn, `${file} is stale: run \`npm run schemas\``).toBe(renderSchema(e));
    },
  );

  it("describe what they claim to: required fields are listed", () => {
    const verdict = JSON.parse(renderSchema(schemaExports[3])) as { required: string[]; title: string };
    expect(verdict.title).toBe("portal-harness verdict.json");
    expect(verdict.required).toEqual(
      expect.arrayContaining(["schemaVersion", "outcome", "criteria", "dossiers", "fingerprint"]),
    );
    const config = JSON.parse(renderSchema(schemaExports[0])) as { required?: string[] };
    // Input schema: only fields without defaults are required in a config file.
    expect(config.required).toEqual(["schemaVersion"]);
  });
});
