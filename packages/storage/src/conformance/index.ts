// The storage conformance suite; filled in by the memory-store work.
export {};
