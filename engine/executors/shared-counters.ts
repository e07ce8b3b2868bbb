/**
 * Counters every worker thread of the instance updates at once (Atomics on a SharedArrayBuffer): what
 * `exec.instance` reports, and the next iteration number of scenarios whose iterations are handed out as
 * workers ask (shared-iterations) or counted as they start (the VU-looping executors).
 */
const fixed = 4;

export class SharedCounters {
  readonly cells: Int32Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.cells = new Int32Array(buffer);
  }

  static create(scenarios: number): SharedCounters {
    return new SharedCounters(new SharedArrayBuffer((fixed + 2 * scenarios) * 4));
  }

  completed(): number {
    return Atomics.load(this.cells, 0);
  }
  interrupted(): number {
    return Atomics.load(this.cells, 1);
  }
  vusActive(): number {
    return Atomics.load(this.cells, 2);
  }
  vusInitialized(): number {
    return Atomics.load(this.cells, 3);
  }
  addCompleted(): void {
    Atomics.add(this.cells, 0, 1);
  }
  addInterrupted(): void {
    Atomics.add(this.cells, 1, 1);
  }
  addActive(n: number): void {
    Atomics.add(this.cells, 2, n);
  }
  addInitialized(n: number): void {
    Atomics.add(this.cells, 3, n);
  }
  /** The next rank of a scenario's shared pool (each call hands out a new one). */
  takeShared(scenario: number): number {
    return Atomics.add(this.cells, fixed + 2 * scenario, 1);
  }
  /** The next instance-wide iteration number of a VU-looping scenario. */
  takeLoop(scenario: number): number {
    return Atomics.add(this.cells, fixed + 2 * scenario + 1, 1);
  }
}
