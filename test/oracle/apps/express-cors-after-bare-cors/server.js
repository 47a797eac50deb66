import express from 'express';
import cors from 'cors';

const app = express();
// A bare cors() ends every OPTIONS request with its defaults; the narrower cors() after it and the OPTIONS route
// never see a preflight, but the second one still sets its headers on the other requests (audit 33 cases 13, 23).
app.use(cors());
app.use(cors({ origin: 'https://app.example.com', allowedHeaders: 'Content-Type', methods: 'GET,POST' }));
app.options('/api/items', cors({ origin: 'https://other.example.com' }));

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
