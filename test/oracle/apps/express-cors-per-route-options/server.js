import express from 'express';
import cors from 'cors';

const app = express();
const corsOptions = { origin: 'https://app.example.com', credentials: true };
app.options('/api/items', cors(corsOptions));
app.get('/api/items', cors(corsOptions), (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', cors(corsOptions), (req, res) => res.json({ ok: true }));
app.post('/api/items', cors(corsOptions), (req, res) => res.json({ ok: true }));
app.get('/api/error', cors(corsOptions), () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
