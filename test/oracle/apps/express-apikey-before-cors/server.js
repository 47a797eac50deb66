import express from 'express';
import cors from 'cors';

// An API-key check registered before cors() that answers 401 when the key header is missing (audit 44 js case 35):
// preflights never carry it, so they get the 401 without CORS headers; so does every request without the key.
const app = express();
app.use((req, res, next) => {
  const apiKey = req.get('x-api-key');
  if (!apiKey || apiKey !== 'k-123') {
    res.status(401).json({ error: 'unauthorised' });
  } else {
    next();
  }
});
app.use(cors({ origin: 'https://app.example.com', allowedHeaders: ['Content-Type', 'x-api-key'] }));
app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', express.json(), (req, res) => res.json({ ok: true }));

app.listen(Number(process.env.PORT), '127.0.0.1');
