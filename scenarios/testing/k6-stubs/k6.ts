/** A stand-in for the `k6` module so shared k6 code can be unit-tested in Node. Records checks and sleeps. */
export const recorded = {
  checks: [] as Array<{ name: string; passed: boolean; tags: unknown }>,
  sleeps: [] as number[],
};

export const resetK6 = (): void => {
  recorded.checks.length = 0;
  recorded.sleeps.length = 0;
};

export const check = <T>(value: T, sets: Record<string, (v: T) => boolean>, tags?: unknown): boolean => {
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    const passed = fn(value);
    recorded.checks.push({ name, passed, tags });
    all &&= passed;
  }
  return all;
};

export const sleep = (seconds: number): void => {
  recorded.sleeps.push(seconds);
};
