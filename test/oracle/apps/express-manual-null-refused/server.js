import express from 'express';

// Refused origins get the string "null" instead of no header: a sandboxed iframe (Origin: null) can then read.
const allowed = ['https://app.example.com'];

const app = express();
app.use((req, res, next) => {
  const origin = req.headers.origin;
  res.setHeader('Access-Control-Allow-Origin', allowed.includes(origin) ? origin : 'null');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Vary', 'Origin');
  next();
});
app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
