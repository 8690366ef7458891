/** Stable error code for bytes that are not a well-formed message of the expected wire format. */
export const MALFORMED = 'BODY_MALFORMED';

/** Thrown for malformed wire input; replaced by @skein/model's SkeinError once it lands. */
export class WireError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'WireError';
    this.code = code;
  }
}

/** Throws a malformed-input error naming the wire format and what is wrong at which byte. */
export function malformed(format: string, detail: string): never {
  throw new WireError(MALFORMED, `malformed ${format}: ${detail}`);
}
