import type { Endpoint } from '@skein/model';

// What dependency linking reads of each stored span, kept per block of traces as numbers, so a
// block's links are computed without parsing its traces back into spans (which made linking
// ahead the event loop's largest allocator). A local endpoint is the packer's interned id, or,
// for one the packer does not intern (a service with very many hosts), a number of the block's
// own, given to each such endpoint the block holds.

/** Int32s per record: trace (ordinal within the block), id (2), parent id (2), link flags, local endpoint (see LinkRecords.local; its service is the span's), remote service. */
export const STRIDE = 8;
/** Where each field is in a record (the trace's ordinal within the block is at 0). */
export const ID_HI = 1, ID_LO = 2, PARENT_HI = 3, PARENT_LO = 4, FLAGS = 5, LOCAL = 6, REMOTE_SERVICE = 7;

/** Link records of the spans stored in one block, in arrival order. */
export class LinkRecords {
  ints = new Int32Array(STRIDE * 64);
  /** Per record, the span's timestamp (0 when absent), which orders siblings as the linker does. */
  times = new Float64Array(64);
  count = 0;
  /** Local endpoints the packer did not intern, held by this block's records as -(index + 1). */
  readonly inline: Endpoint[] = [];
  private readonly inlineIds = new Map<string, number>();
  /** Records grouped by trace (see grouped), for the count they were grouped at. */
  private groups: { count: number; starts: Int32Array; order: Int32Array } | undefined = undefined;

  /** The number records hold for a local endpoint the packer did not intern: -(index + 1) in inline. */
  inlineEndpoint(e: Endpoint): number {
    const key = `${e.serviceName ?? ''}\u0000${e.ipv4 ?? ''}\u0000${e.ipv6 ?? ''}\u0000${e.port ?? 0}`;
    let id = this.inlineIds.get(key);
    if (id === undefined) {
      id = -this.inline.push(e);
      this.inlineIds.set(key, id);
    }
    return id;
  }

  /** The local endpoint a record holds as id (0: none), given the packer's interned endpoints. */
  local(id: number, interned: readonly Endpoint[]): Endpoint | undefined {
    return id > 0 ? interned[id] : id < 0 ? this.inline[-id - 1] : undefined;
  }

  /** Appends a record. */
  add(slot: number, idHi: number, idLo: number, parentHi: number, parentLo: number, flags: number,
    local: number, remoteService: number, timestamp: number): void {
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

