import express from 'express';
import cors from 'cors';

const app = express();
// A middleware reflects the allowed origin with credentials, then cors() with its default "*" sets its own
// Access-Control-Allow-Origin over it on every response (audit 31 case 15).
const allowed = ['https://app.example.com'];
app.use((req, res, next) => {
  if (allowed.includes(req.headers.origin)) {
    res.header('Access-Control-Allow-Credentials', 'true');
    res.header('Access-Control-Allow-Origin', req.headers.origin);
  }
  next();
});
app.use(cors());

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
