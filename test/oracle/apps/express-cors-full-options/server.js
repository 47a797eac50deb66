import express from 'express';
import cors from 'cors';

const app = express();
app.use(
  cors({
    origin: 'https://app.example.com',
    methods: ['GET', 'POST', 'PUT'],
    allowedHeaders: ['Content-Type', 'Authorization'],
    exposedHeaders: ['X-Total-Count'],
    maxAge: 600,
    credentials: true,
  }),
);

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.post('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
