import { describe, expect, it } from "vitest";
import type { IterationContext } from "./context.js";
import type { RuntimeEnv } from "./env.js";
import { SampleEmitter } from "./samples.js";
import { ScriptTagIds } from "./script-tags.js";

const setup = () => {
  const emitter = new SampleEmitter(0, () => {});
  const env = { emitter, testTags: { suite: "t" } } as unknown as RuntimeEnv;
  const ctx = (group: string, vuTags: Record<string, string> = {}, tagsVersion = 0) =>
    ({
      scenario: { name: "s", tags: { scenario: "s" } },
      phase: "iteration",
      group,
      vu: { tags: vuTags, tagsVersion },
    }) as unknown as IterationContext;
  /** The tag set JSON behind an id, from what the emitter ships. */
  const json = (id: number) => new Map(emitter.take().tags).get(id);
  return { tags: new ScriptTagIds(env), ctx, json, emitter };
};

describe("ScriptTagIds", () => {
  it("gives each distinct tag set its own id and the same set the same id", () => {
    const { tags, ctx, json } = setup();
    const c = ctx("::g");
    const a = tags.id(tags.key(c, { step: "a" }), c, { step: "a" }, "ok");
    expect(json(a)).toBe('{"check":"ok","group":"::g","scenario":"s","step":"a","suite":"t"}');
    expect(tags.id(tags.key(c, { step: "a" }), c, { step: "a" }, "ok")).toBe(a);
    const others = [
      tags.id(tags.key(c, { step: "b" }), c, { step: "b" }, "ok"),
      tags.id(tags.key(c, { step: "a" }), c, { step: "a" }, "other"),
      tags.id(tags.key(ctx(""), { step: "a" }), ctx(""), { step: "a" }, "ok"),
      tags.id(tags.key(c, { step: "a" }), c, { step: "a" }),
      tags.id(
        tags.key(ctx("::g", { region: "north" }, 1), { step: "a" }),
        ctx("::g", { region: "north" }, 1),
        { step: "a" },
        "ok",
      ),
    ];
    expect(new Set([a, ...others]).size).toBe(6);
  });

  it("checks the call's tag values and names the tag", () => {
    const { tags, ctx } = setup();
    expect(() => tags.key(ctx(""), { step: {} })).toThrow(/tag "step"/);
  });

  it("forgets its ids when the emitter starts a new tag table", () => {
    const { tags, ctx, emitter } = setup();
    const c = ctx("");
    const first = tags.id(tags.key(c, { n: 0 }), c, { n: 0 });
    for (let i = 1; i <= 50_000; i++) emitter.tagId(`{"filler":"${i}"}`);
    expect(emitter.epoch).toBe(1);
    const again = tags.id(tags.key(c, { n: 0 }), c, { n: 0 });
    expect(new Map(emitter.take().tags).get(again)).toBe('{"group":"","n":"0","scenario":"s","suite":"t"}');
    expect(first).toBe(0);
  });
});
