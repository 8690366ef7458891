import { ZIPKIN_JSON_V1, ZIPKIN_JSON_V2, ZIPKIN_PROTO3, ZIPKIN_THRIFT, type SpanCodec } from '@skein/codec';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ServerError } from '../ingest/errors.js';
import type { IngestPipeline } from '../ingest/pipeline.js';

/** The transport label of Zipkin's HTTP collector in metrics. */
export const HTTP_TRANSPORT = 'http';

/** Media type → codec of one endpoint; '' is a request without Content-Type. */
type CodecTable = ReadonlyMap<string, SpanCodec>;

// Zipkin reads any type but protobuf as JSON; Skein keeps its missing-type and text/plain
// leniency (fetch and XHR label string bodies text/plain) but answers 415 to other types.
const V2: CodecTable = new Map([
  ['', ZIPKIN_JSON_V2],
  ['application/json', ZIPKIN_JSON_V2],
  ['text/plain', ZIPKIN_JSON_V2],
  ['application/x-protobuf', ZIPKIN_PROTO3],
  ['application/protobuf', ZIPKIN_PROTO3],
]);

const V1: CodecTable = new Map([
  ['', ZIPKIN_JSON_V1],
  ['application/json', ZIPKIN_JSON_V1],
  ['text/plain', ZIPKIN_JSON_V1],
  ['application/x-thrift', ZIPKIN_THRIFT],
]);

/** The media type of a request, lower-case, without parameters ('' when absent). */
export function mediaType(request: FastifyRequest): string {
  const ct = request.headers['content-type'];
  if (ct === undefined) return '';
  const semi = ct.indexOf(';');
  return (semi < 0 ? ct : ct.slice(0, semi)).trim().toLowerCase();
}

function codecFor(table: CodecTable, request: FastifyRequest): SpanCodec {
  const type = mediaType(request);
  const codec = table.get(type);
  if (codec === undefined) {
    const accepted = [...table.keys()].filter((k) => k !== '' && k !== 'text/plain').join(', ');
    throw new ServerError('UNSUPPORTED_MEDIA_TYPE', 415, `Content-Type ${JSON.stringify(type)} is not accepted here: use ${accepted}`);
  }
  return codec;
}

/**
 * Zipkin's HTTP collector: POST /api/v2/spans and POST /api/v1/spans. Answers 202 only once
 * every kept span is stored; errors are thrown as ServerError / SkeinError for the app's
 * error handler to render.
 */
export function registerHttpCollector(app: FastifyInstance, pipeline: IngestPipeline): void {
  const route = (table: CodecTable) => async (request: FastifyRequest, reply: FastifyReply) => {
    let codec: SpanCodec;
    try {
      codec = codecFor(table, request);
    } catch (err) {
      pipeline.refuse(HTTP_TRANSPORT, 'unsupported_media_type');
      throw err;
    }
    const body = request.body as Buffer | undefined;
    if (body === undefined || body.length === 0) await pipeline.ingest([], HTTP_TRANSPORT, 0);
    else await pipeline.ingestMessage(body, codec, HTTP_TRANSPORT, true);
    reply.code(202).send();
  };
  const config = { transport: HTTP_TRANSPORT };
  app.post('/api/v2/spans', { config }, route(V2));
  app.post('/api/v1/spans', { config }, route(V1));
}
