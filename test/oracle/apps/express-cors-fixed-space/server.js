import express from 'express';
import cors from 'cors';

// The origin written with spaces around it: the header value reaches the browser without them.
const app = express();
app.use(cors({ origin: ' https://app.example.com ' }));

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.post('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
