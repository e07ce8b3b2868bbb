import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderOpenApi } from "../contract/openapi.js";
import { projectRoot } from "../kernel/paths.js";

/** `npm run openapi`: regenerates the checked-in OpenAPI document from the zod schemas. */
export const openApiFile = (): string => join(projectRoot(), "mocks", "openapi.json");

writeFileSync(openApiFile(), renderOpenApi());
process.stdout.write(`wrote ${openApiFile()}\n`);
