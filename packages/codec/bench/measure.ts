/** Seconds each measured line runs (BENCH_SECONDS, default 3). */
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

/** Runs op repeatedly for SECONDS after a warm-up; prints and returns spans per second. */
export function measure(label: string, spansPerOp: number, op: () => unknown): number {
  for (let i = 0; i < 200; i++) op();
  let ops = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(SECONDS * 1e9));
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 20; i++) op();
    ops += 20;
    now = process.hrtime.bigint();
  }
  const rate = (ops * spansPerOp) / (Number(now - start) / 1e9);
  console.log(`${label.padEnd(62)} ${Math.round(rate).toLocaleString('en-US').padStart(12)} spans/s`);
  return rate;
}
