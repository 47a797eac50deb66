import express from 'express';
import cors from 'cors';

// An allow-list that trusts "null", then a default cors() of the whole app: the first answers the preflights, the
// second replaces Access-Control-Allow-Origin with * on every other response.
const app = express();
app.use(cors({ origin: ['https://app.example.com', 'null'], credentials: true }));
app.use(cors());

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
