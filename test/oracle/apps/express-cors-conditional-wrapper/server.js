import express from 'express';
import cors from 'cors';

// A middleware that runs cors() for some requests only (audit 47 js c05, D2): /api/public reflects any origin with
// credentials, the other paths get cors({ origin: false }), which sends no CORS header at all.
const app = express();
app.use((req, res, next) => {
  if (req.path.startsWith('/api/public')) {
    return cors({ origin: true, credentials: true, methods: ['GET', 'PUT'] })(req, res, next);
  }
  return cors({ origin: false })(req, res, next);
});
// The same with a constant middleware and no else branch, by method: GET and preflight of /v2 only.
const v2Cors = cors({ origin: 'https://app.example.com' });
app.use('/v2', (req, res, next) => {
  if (req.method === 'OPTIONS' || req.method === 'GET') return v2Cors(req, res, next);
  next();
});
app.get('/api/public/status', (req, res) => res.json({ ok: true }));
app.put('/api/public/items', express.json(), (req, res) => res.json({ ok: true }));
app.get('/api/me', (req, res) => res.json({ user: 'alice' }));
app.get('/api/error', () => {
  throw new Error('boom');
});
app.get('/v2/items', (req, res) => res.json([]));
app.delete('/v2/items', (req, res) => res.json({ ok: true }));

app.listen(Number(process.env.PORT), '127.0.0.1');
