import { describe, expect, it } from "vitest";
import { engineV8Flags } from "./launch.js";

describe("the engine's V8 flags", () => {
  it("starts major collections by how full the old generation is, on a Node that knows the flags", () => {
    // Node 20 (the version the project runs on) knows them; a Node that did not would get none.
    expect(engineV8Flags()).toEqual(["--incremental-marking-soft-trigger=60"]);
  });
});
