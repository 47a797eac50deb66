// CommonJS (this package.json has no "type"): json-server 0.17 is a CommonJS package.
const jsonServer = require('json-server');
const cors = require('cors');

// router() ends with a catch-all that answers every request that reaches it (its resources, 404 with {} for the
// rest; OPTIONS of a resource gets its router's 200 with an Allow header) and never calls next(), so the
// defaults() (cors with origin: true and credentials) and cors() registered after it never run: no response
// carries a CORS header. An in-memory database, so that the PUT requests of the matrix write no file.
const server = jsonServer.create();
server.use(jsonServer.router({ posts: [{ id: 1, title: 'a' }], profile: { name: 'x' } }));
server.use(jsonServer.defaults({ logger: false }));
server.use(cors());
// Never answers either: the router has already answered 404.
server.get('/late', (req, res) => res.json({ late: true }));

server.listen(Number(process.env.PORT), '127.0.0.1');
