import type { ToolName } from "../tool-versions.js";
import { type FoundTool, findTool } from "../tools.js";

/**
 * Integration and end-to-end suites need the real tools. `npm test` builds them first (scripts/bootstrap.sh);
 * a missing tool is a failure with a clear message, never a silent skip.
 */
export const requireTool = (name: ToolName): FoundTool => {
  const tool = findTool(name);
  if (!tool)
    throw new Error(`${name} is not installed: run \`npx portal-harness setup\` (npm test does this)`);
  return tool;
};
