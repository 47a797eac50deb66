import express from 'express';
import cors from 'cors';

// A default cors() before the one that allows credentials: the first answers every preflight.
const app = express();
app.use(cors());
app.use(cors({ origin: ['https://app.example.com'], credentials: true }));

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
