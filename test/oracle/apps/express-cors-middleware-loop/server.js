import express from 'express';
import cors from 'cors';

// A middleware list registered one item per pass of a loop (audit 41 js D4): the same layers as app.use(list).
const middlewares = [express.json(), cors({ origin: ['https://app.example.com'], credentials: true, methods: ['GET', 'POST'] })];
const app = express();
middlewares.forEach((m) => app.use(m));

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
