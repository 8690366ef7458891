// The frontend: for /hello it fans out to the backend for three users in parallel, makes one call
// that fails (and survives it), renders, and answers.
import { serve, work } from './service.js';

const backend = process.env.BACKEND_URL ?? 'http://127.0.0.1:8082';

await serve('frontend', async (tracer, req, res) => {
  const url = new URL(req.url ?? '/', 'http://frontend');
  tracer.activeSpan()?.setOperationName(`get ${url.pathname}`);
  const users = await Promise.all([1, 2, 3].map(async (id) => (await fetch(`${backend}/users/${id}`)).json() as Promise<{ name: string }>));
  const stock = await fetch(`${backend}/fail`);
  const warning = stock.ok ? undefined : `stock unavailable (${stock.status})`;
  const page = await tracer.startActiveSpan('render', async (span) => {
    span.setTag('users', users.length);
    await work(3);
    return `hello, ${url.searchParams.get('name') ?? 'world'}: ${users.map((u) => u.name).join(', ')}`;
  });
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ page, warning }));
});
