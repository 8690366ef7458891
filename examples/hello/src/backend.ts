// The backend: looks users up in a (pretend) database; /fail always fails.
import { serve, work } from './service.js';

await serve('backend', async (tracer, req, res) => {
  const url = new URL(req.url ?? '/', 'http://backend');
  tracer.activeSpan()?.setOperationName(`get ${url.pathname.replace(/\/\d+$/, '/:id')}`);
  if (url.pathname === '/fail') {
    await work(5);
    res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'inventory service unavailable' }));
    return;
  }
  const id = Number(url.pathname.split('/').pop());
  const user = await tracer.startActiveSpan('db.query', { tags: { 'db.type': 'sql', 'db.statement': 'SELECT name FROM users WHERE id = ?', 'peer.service': 'userdb' } }, async () => {
    await work(15 + (id % 3) * 10);
    return { id, name: ['ada', 'grace', 'linus', 'barbara'][id % 4] };
  });
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(user));
});
