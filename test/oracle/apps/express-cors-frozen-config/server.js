import express from 'express';
import cors from 'cors';
import config from './config.js';

const app = express();
// '*' with credentials: cors sends ACAO * and ACAC true; PUT is not in the frozen methods list.
app.use(cors({ credentials: true, origin: config.cors.clientOrigin, methods: config.cors.methods }));

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
