import { OtlpKvList, type OtlpAttribute, type OtlpValue } from '../internal/otlp/model.js';
import { FIXED64, LEN, type ProtoReader, VARINT } from '../internal/proto-reader.js';

/** AnyValue arrays and maps may nest; deeper than this is refused (no stack exhaustion). */
const MAX_VALUE_DEPTH = 32;

/** Reads a KeyValue message ending at `end`; depth counts enclosing arrays/maps. */
export function readKeyValue(r: ProtoReader, end: number, depth: number): OtlpAttribute {
  let key = '';
  let value: OtlpValue = null;
  while (r.pos < end) {
    const t = r.tag();
    if (t === ((1 << 3) | LEN)) key = r.string();
    else if (t === ((2 << 3) | LEN)) value = readAnyValue(r, r.message(), depth);
    else if (t >>> 3 <= 2) r.wrongType(t, 'KeyValue');
    else r.skip(t & 7);
  }
  r.end(end, 'KeyValue');
  return { key, value };
}

function readAnyValue(r: ProtoReader, end: number, depth: number): OtlpValue {
  let value: OtlpValue = null;
  while (r.pos < end) {
    const t = r.tag();
    switch (t) {
      case (1 << 3) | LEN:
        value = r.string();
        break;
      case (2 << 3) | VARINT:
        value = r.bool();
        break;
      case (3 << 3) | VARINT:
        value = r.int64();
        break;
      case (4 << 3) | FIXED64:
        value = r.double();
        break;
      case (5 << 3) | LEN:
      case (6 << 3) | LEN: {
        if (depth >= MAX_VALUE_DEPTH) r.fail(`attribute values nested deeper than ${MAX_VALUE_DEPTH}`);
        const e = r.message();
        const list = t === ((5 << 3) | LEN) ? readArray(r, e, depth + 1) : new OtlpKvList(readKvList(r, e, depth + 1));
        value = list;
        break;
      }
      case (7 << 3) | LEN:
        value = r.bytes().slice();
        break;
      default:
        if (t >>> 3 <= 7) r.wrongType(t, 'AnyValue');
        r.skip(t & 7);
    }
  }
  r.end(end, 'AnyValue');
  return value;
}

function readArray(r: ProtoReader, end: number, depth: number): OtlpValue[] {
  const values: OtlpValue[] = [];
  while (r.pos < end) {
    const t = r.tag();
    if (t === ((1 << 3) | LEN)) values.push(readAnyValue(r, r.message(), depth));
    else if (t >>> 3 === 1) r.wrongType(t, 'ArrayValue');
    else r.skip(t & 7);
  }
  r.end(end, 'ArrayValue');
  return values;
}

function readKvList(r: ProtoReader, end: number, depth: number): OtlpAttribute[] {
  const values: OtlpAttribute[] = [];
  while (r.pos < end) {
    const t = r.tag();
    if (t === ((1 << 3) | LEN)) values.push(readKeyValue(r, r.message(), depth));
    else if (t >>> 3 === 1) r.wrongType(t, 'KeyValueList');
    else r.skip(t & 7);
  }
  r.end(end, 'KeyValueList');
  return values;
}
