import express from 'express';
import cors from 'cors';

const app = express();
const corsOptions = { origin: ['https://app.example.com', /\.partner\.example$/], credentials: true, maxAge: 600 };

// A wrapper that builds the cors middleware per request: the same headers as app.use(cors(corsOptions)).
app.use((req, res, next) => {
  cors(corsOptions)(req, res, next);
});

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
