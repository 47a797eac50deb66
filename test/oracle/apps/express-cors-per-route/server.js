import express from 'express';
import cors from 'cors';

const app = express();
// cors() only on the routes: nothing answers the preflight with CORS headers.
app.get('/api/items', cors({ origin: 'https://app.example.com' }), (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', cors({ origin: 'https://app.example.com' }), (req, res) => res.json({ ok: true }));
app.post('/api/items', cors({ origin: 'https://app.example.com' }), (req, res) => res.json({ ok: true }));
app.get('/api/error', cors({ origin: 'https://app.example.com' }), () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
