import type { Procedure } from "../../contract/procedure.js";
import { createRng } from "../../kernel/pure/rng.js";

const words = [
  "Cấp",
  "giấy",
  "phép",
  "đăng ký",
  "hộ tịch",
  "khai sinh",
  "kết hôn",
  "cư trú",
  "đất đai",
  "xây dựng",
  "kinh doanh",
  "xác nhận",
  "chứng thực",
  "bản sao",
] as const;

/** A seeded synthetic catalogue: the same seed gives the same procedures. */
export const generateCatalogue = (seed: number, count: number): Procedure[] => {
  const rng = createRng(seed);
  const seen = new Set<string>();
  const out: Procedure[] = [];
  while (out.length < count) {
    const code = `${rng.int(1, 3)}.${String(rng.int(0, 1_000_000)).padStart(6, "0")}`;
    if (seen.has(code)) continue;
    seen.add(code);
    const name = Array.from({ length: rng.int(3, 6) }, () => rng.pick(words)).join(" ");
    out.push({
      code,
      name: `${name} (mẫu ${out.length + 1})`,
      level: rng.next() < 0.27 ? "commune" : "province",
      feeVnd: rng.pick([0, 0, 10_000, 20_000, 50_000, 100_000]),
    });
  }
  return out;
};
