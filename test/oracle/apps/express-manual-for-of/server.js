import express from 'express';

// A hand-written middleware that loops over the allow-list and echoes the origin it finds.
const ALLOWED = ['https://app.example.com', 'https://admin.example.com', 'http://localhost:3000'];
const app = express();
app.use((req, res, next) => {
  const origin = req.headers.origin;
  for (const allowedOrigin of ALLOWED) {
    if (origin === allowedOrigin) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
  }
  res.setHeader('Vary', 'Origin');
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET,PUT,POST,DELETE');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type,Authorization');
    return res.sendStatus(204);
  }
  next();
});

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
