import { CodecError } from '@skein/model';

/** Stable error code for bytes that are not a well-formed message of the expected wire format. */
export const MALFORMED = 'BODY_MALFORMED';

/** Throws CodecError BODY_MALFORMED naming the wire format, what is wrong and at which byte. */
export function malformed(format: string, detail: string, offset = -1): never {
  throw new CodecError(MALFORMED, `malformed ${format}: ${detail}`, offset);
}
