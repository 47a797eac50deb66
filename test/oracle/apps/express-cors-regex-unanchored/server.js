import express from 'express';
import cors from 'cors';

const app = express();
// The README's own example: test() is unanchored, so it also accepts https://evilexample.com.
app.use(cors({ origin: /example\.com$/ }));

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.post('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
