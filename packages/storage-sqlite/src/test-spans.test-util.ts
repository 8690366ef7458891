import type { Span } from '@skein/model';

/** A 3-span trace (frontend → backend → db) starting at startMs, with tags and an annotation; for tests. */
export function testTrace(n: number, startMs: number): Span[] {
  const traceId = 'a'.repeat(16) + (n + 1).toString(16).padStart(16, '0');
  const id = (k: number): string => (n * 10 + k).toString(16).padStart(16, '0');
  const ts = startMs * 1000;
  return [
    {
      traceId, id: id(1), kind: 'SERVER', name: 'get /api', timestamp: ts, duration: 90_000 + n,
      localEndpoint: { serviceName: 'frontend', ipv4: '10.0.0.1' }, tags: { 'http.method': 'GET', 'http.path': `/api/${n}` },
    },
    {
      traceId, parentId: id(1), id: id(2), kind: 'CLIENT', name: 'get /data', timestamp: ts + 100, duration: 50_000,
      localEndpoint: { serviceName: 'frontend', ipv4: '10.0.0.1' }, remoteEndpoint: { serviceName: 'backend' },
      annotations: [{ timestamp: ts + 150, value: 'wire.send' }],
    },
    {
      traceId, parentId: id(1), id: id(2), kind: 'SERVER', shared: true, name: 'get /data', timestamp: ts + 200,
      duration: 40_000, localEndpoint: { serviceName: 'backend', ipv4: '10.0.0.2' }, ...(n % 5 === 0 ? { tags: { error: 'boom' } } : {}),
    },
  ];
}
