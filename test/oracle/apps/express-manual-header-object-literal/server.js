import express from 'express';

// Header objects written as literals (audit 52 D8): a module-level one looped over and spread into writeHead, and a
// handler-local one written by for...in.
const CORS_HEADERS = {
  'Access-Control-Allow-Origin': 'https://app.example.com',
  'Access-Control-Allow-Methods': 'GET, POST, PUT',
  'Access-Control-Allow-Headers': 'Content-Type, Authorization',
};

const app = express();
app.use('/api', (req, res, next) => {
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { 'Cache-Control': 'no-store', ...CORS_HEADERS });
    res.end();
    return;
  }
  Object.entries(CORS_HEADERS).forEach(([key, value]) => {
    res.setHeader(key, value);
  });
  next();
});
app.use('/v2', (req, res, next) => {
  const headers = {
    'Access-Control-Allow-Origin': req.headers.origin || '*',
    'Access-Control-Allow-Credentials': 'true',
    Vary: 'Origin',
  };
  for (const key in headers) res.setHeader(key, headers[key]);
  next();
});

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.post('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});
app.get('/v2/items', (req, res) => res.json([{ id: 1 }]));
app.put('/v2/items', (req, res) => res.json({ ok: true }));

app.listen(Number(process.env.PORT), '127.0.0.1');
