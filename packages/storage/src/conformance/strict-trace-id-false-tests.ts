import { describe, it } from 'vitest';
import type { Span } from '@skein/model';
import type { Storage } from '../storage.js';
import { expectLinks, expectTrace, expectTraces, expectTracesInOrder } from './assertions.js';
import { DAY, NEW_TRACE_LINKS, endTs, frontendSpan, low64, newTrace, newTraceId, request, spanId } from './test-data.js';

/** A trace where the server side dropped the high 64 bits of the trace id (after the first client span). */
function mixedTrace(): Span[] {
  const trace = newTrace();
  const downgraded = low64(trace[0]!.traceId);
  return trace.map((s, i) => (i >= 2 ? { ...s, traceId: downgraded } : s));
}

/** strictTraceId = false: traces are matched on the low 64 bits, as Zipkin's ITStrictTraceIdFalse. */
export function strictTraceIdFalseTests(store: () => Storage): void {
  describe('strictTraceId = false', () => {
    for (const [label, make] of [['128-bit', newTrace], ['mixed 64/128-bit', mixedTrace]] as const) {
      it(`searches a ${label} trace by either side's service and data`, async () => {
        const trace = make();
        await store().accept([...trace].reverse());
        expectTraces(await store().getTraces(request()), trace);
        expectTraces(await store().getTraces(request({ serviceName: 'frontend', annotationQuery: { foo: '' } })), trace);
        expectTraces(await store().getTraces(request({ serviceName: 'backend', annotationQuery: { error: '' } })), trace);
      });

      it(`gets a ${label} trace by its 64- or 128-bit id`, async () => {
        const trace = make();
        await store().accept([...trace].reverse());
        const wide = trace.find((s) => s.traceId.length === 32)!.traceId;
        expectTrace(await store().getTrace(wide), trace);
        expectTrace(await store().getTrace(low64(wide)), trace);
      });
    }

    it('links a mixed 64/128-bit trace once', async () => {
      const trace = mixedTrace();
      await store().accept(trace);
      expectLinks(await store().getDependencies(endTs(trace), DAY), NEW_TRACE_LINKS);
    });

    it('merges 64- and 128-bit spans of one trace in getTraceMany, whichever form is asked', async () => {
      const pairs = [1, 2, 3].map((n) => {
        const with128 = frontendSpan({ traceId: newTraceId(), id: spanId(n) });
        const with64: Span = { ...with128, traceId: low64(with128.traceId), id: spanId(`a${n}`), timestamp: with128.timestamp! + 1000 };
        return [with128, with64];
      });
      await store().accept(pairs.flat());
      const [p1, , p3] = pairs as [Span[], Span[], Span[]];
      expectTracesInOrder(
        await store().getTraceMany([p1[0]!.traceId, p1[1]!.traceId, p3[0]!.traceId, p3[1]!.traceId]), p1, p3,
      );
      expectTracesInOrder(await store().getTraceMany([p1[1]!.traceId, p3[1]!.traceId]), p1, p3);
      expectTracesInOrder(await store().getTraceMany([p3[0]!.traceId, p1[0]!.traceId]), p3, p1);
    });
  });
}
