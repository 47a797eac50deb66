import express from 'express';
import cors from 'cors';

const app = express();
// A listed policy with credentials, then a default cors() on /api: on /api the second replaces the origin
// with * and the first's Access-Control-Allow-Credentials: true stays. Preflights end in the first.
app.use(cors({ origin: ['https://app.example.com'], credentials: true }));
app.use('/api', cors());

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
