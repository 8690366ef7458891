// What dependency linking reads of each stored span, kept per block of traces as numbers, so a
// block's links are computed without parsing its traces back into spans (which made linking
// ahead the event loop's largest allocator). A span whose local endpoint is not interned cannot
// be told apart from another endpoint by a number: its record says so, and its trace is linked
// from its packed spans instead.

/** Int32s per record: trace (ordinal within the block), id (2), parent id (2), link flags, local endpoint, local service, remote service. */
export const STRIDE = 9;
/** Where each field is in a record (the trace's ordinal within the block is at 0). */
export const ID_HI = 1, ID_LO = 2, PARENT_HI = 3, PARENT_LO = 4, FLAGS = 5, LOCAL = 6, LOCAL_SERVICE = 7, REMOTE_SERVICE = 8;
/** Local endpoint of a record whose endpoint is not interned. */
export const NOT_INTERNED = -1;

/** Link records of the spans stored in one block, in arrival order. */
export class LinkRecords {
  ints = new Int32Array(STRIDE * 64);
  /** Per record, the span's timestamp (0 when absent), which orders siblings as the linker does. */
  times = new Float64Array(64);
  count = 0;
  /** Records grouped by trace (see grouped), for the count they were grouped at. */
  private groups: { count: number; starts: Int32Array; order: Int32Array } | undefined = undefined;

  /** Appends a record. */
  add(slot: number, idHi: number, idLo: number, parentHi: number, parentLo: number, flags: number,
    local: number, localService: number, remoteService: number, timestamp: number): void {
    const n = this.count;
    if (n === this.times.length) {
      const ints = new Int32Array(this.ints.length * 2);
      ints.set(this.ints);
      this.ints = ints;
      const times = new Float64Array(n * 2);
      times.set(this.times);
      this.times = times;
    }
    const a = this.ints, o = n * STRIDE;
    a[o] = slot;
    a[o + ID_HI] = idHi;
    a[o + ID_LO] = idLo;
    a[o + PARENT_HI] = parentHi;
    a[o + PARENT_LO] = parentLo;
    a[o + FLAGS] = flags;
    a[o + LOCAL] = local;
    a[o + LOCAL_SERVICE] = localService;
    a[o + REMOTE_SERVICE] = remoteService;
    this.times[n] = timestamp;
    this.count = n + 1;
  }

  /**
   * The records of each trace slot (0 to slots - 1), in arrival order: those of slot s are
   * order[starts[s]] to order[starts[s + 1] - 1]. Computed again only when records were added since.
   */
  grouped(slots: number): { starts: Int32Array; order: Int32Array } {
    const n = this.count;
    if (this.groups !== undefined && this.groups.count === n && this.groups.starts.length === slots + 1) return this.groups;
    const starts = new Int32Array(slots + 1);
    const a = this.ints;
    for (let r = 0; r < n; r++) {
      const k = (a[r * STRIDE] as number) + 1;
      starts[k] = (starts[k] as number) + 1;
    }
    for (let s = 0; s < slots; s++) starts[s + 1] = (starts[s + 1] as number) + (starts[s] as number);
    const at = starts.slice(0, slots);
    const order = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      const s = a[r * STRIDE] as number;
      order[at[s] as number] = r;
      at[s] = (at[s] as number) + 1;
    }
    this.groups = { count: n, starts, order };
    return this.groups;
  }
}

