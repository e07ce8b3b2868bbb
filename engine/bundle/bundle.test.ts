import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isHarnessError } from "../../kernel/errors.js";
import { bundleScript } from "./bundle.js";

const dir = mkdtempSync(join(tmpdir(), "bundle-test-"));
let n = 0;
const script = (source: string, ext = "js"): string => {
  const file = join(dir, `s${n++}.${ext}`);
  writeFileSync(file, source);
  return file;
};

/** The refusal lines of a script that must not bundle (exit 2), or a failure if it bundles. */
const refusal = async (source: string): Promise<string> => {
  try {
    await bundleScript(script(source));
  } catch (e) {
    if (!isHarnessError(e)) throw e;
    expect(e.exitCode).toBe(2);
    return e.lines.join("\n");
  }
  throw new Error("the script bundled");
};

describe("bundling refuses what scenario code may not reach, by name", () => {
  it.each([
    ['import fs from "node:fs"; export default function () {}', /"node:fs" is a Node module/],
    ['import { readFileSync } from "fs"; export default function () {}', /"fs" is a Node module/],
    [
      'import x from "https://jslib.k6.io/k6-utils/1.4.0/index.js"; export default function () {}',
      /remote import .* refused: the engine never fetches code/,
    ],
    ['import _ from "lodash"; export default function () {}', /package import "lodash" refused/],
    ['import ws from "k6/ws"; export default function () {}', /k6 module "k6\/ws" is not supported/],
    [
      'import { browser } from "k6/browser"; export default function () {}',
      /k6 module "k6\/browser" is not supported/,
    ],
    [
      'import { sleep } from "k6"; export default function () { sleep(1); }',
      /sleep\(\) blocks the VU: use await new Promise/,
    ],
    [
      'import http from "k6/http"; export default function () { http.get("http://127.0.0.1/"); }',
      /http\.get\(\) blocks the VU: use await http\.asyncRequest\("GET"/,
    ],
    [
      'import { post } from "k6/http"; export default function () { post("http://127.0.0.1/", ""); }',
      /http\.post\(\) blocks the VU/,
    ],
    [
      'import http from "k6/http"; export default function () { return http.batch([]); }',
      /http\.batch\(\) blocks the VU/,
    ],
    [
      'import { nope } from "k6/http"; export default function () { nope(); }',
      /"nope" is not exported by k6\/http/,
    ],
    [
      "export default function () {} export function handleSummary(d) { return {}; }",
      /handleSummary\(\) is not supported/,
    ],
  ])("%s", async (source, message) => {
    expect(await refusal(source)).toMatch(message);
  });

  it("bundles TypeScript with k6 modules left as imports: a valid k6 script", async () => {
    const b = await bundleScript(
      script(
        `import http from "k6/http";
         import { check } from "k6";
         const base: string = __ENV.BASE ?? "http://127.0.0.1";
         export default async function (): Promise<void> {
           const r = await http.asyncRequest("GET", base);
           check(r, { ok: (x) => x.status === 200 });
         }`,
        "ts",
      ),
    );
    expect(b.esm).toMatch(/^import http from "k6\/http";$/m);
    expect(b.esm).toMatch(/^import \{ check \} from "k6";$/m);
    expect(b.esm).not.toMatch(/: string|: Promise/);
    expect(b.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("names a missing script and a file that is not a script", async () => {
    await expect(bundleScript(join(dir, "missing.js"))).rejects.toThrow(/no such script/);
    await expect(bundleScript(script("x", "txt"))).rejects.toThrow(/a \.js or \.ts file/);
  });
});
