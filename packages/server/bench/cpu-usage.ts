/** CPU time of the benchmark's processes and of the whole machine, to show what bounds a run. */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** CPU seconds a process has used: all its threads, and its main thread (the event loop). */
export interface ProcessCpu {
  total: number;
  main: number;
}

/** /proc reports CPU time in USER_HZ ticks, which Linux fixes at 100 a second. */
const TICKS = 100;

function ticks(statPath: string): number {
  const stat = readFileSync(statPath, 'utf8');
  // Fields after the command name (which may hold spaces), from field 3: utime is 14, stime 15.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / TICKS;
}

/** The CPU seconds used so far by a running process (Linux /proc), or undefined where /proc is not there. */
export function processCpu(pid: number | undefined): ProcessCpu | undefined {
  if (pid === undefined) return undefined;
  try {
    return { total: ticks(`/proc/${pid}/stat`), main: ticks(`/proc/${pid}/task/${pid}/stat`) };
  } catch {
    return undefined;
  }
}

/** Busy and total CPU milliseconds of the machine so far, over all cores. */
export function machineCpu(): { busy: number; total: number } {
  let busy = 0, total = 0;
  for (const c of cpus()) {
    const t = c.times;
    const all = t.user + t.nice + t.sys + t.idle + t.irq;
    total += all;
    busy += all - t.idle;
  }
  return { busy, total };
}
