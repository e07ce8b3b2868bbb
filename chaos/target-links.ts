import type { Target } from "./target.js";
import { type LinkName, linkNames } from "./topology.js";

/**
 * The links a target has, so a plan can refuse a fault it could not apply. The mock runs every part of the
 * topology behind its own link; a URL target is one opaque portal, reached only through the citizens' link
 * the harness puts in front of it.
 */
export const targetLinks = (target: Target): readonly LinkName[] =>
  target.kind === "mock" ? linkNames : ["citizen-gateway"];
