// CommonJS (this package.json has no "type"): json-server 0.17 is a CommonJS package.
const jsonServer = require('json-server');
const cors = require('cors');

// create() is an Express 4 app; defaults() holds cors({ origin: true, credentials: true }) (noCors not set), which
// reflects every Origin with credentials and answers every preflight (204) itself.
const server = jsonServer.create();
server.use(jsonServer.defaults({ logger: false }));
// A default cors() after it on /stacked: Access-Control-Allow-Origin becomes * on the actual responses there, and the
// first one's Access-Control-Allow-Credentials: true stays; preflights still end in the first one.
server.use('/stacked', cors());

server.get('/api/items', (req, res) => res.json([{ id: 1 }]));
server.put('/api/items', (req, res) => res.json({ ok: true }));
server.get('/api/error', () => {
  throw new Error('boom');
});
server.get('/stacked/items', (req, res) => res.json([{ id: 1 }]));
// A json-server router after defaults(): its answers (its resources, 404 for the rest) carry defaults()' headers.
// Whatever is registered after it on /db never runs (an in-memory database: no file is written).
server.use('/db', jsonServer.router({ posts: [{ id: 1 }] }));
server.use('/db', cors({ origin: 'https://other.example.com' }));

server.listen(Number(process.env.PORT), '127.0.0.1');
