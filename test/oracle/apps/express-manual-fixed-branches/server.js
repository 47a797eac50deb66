import express from 'express';

const app = express();
// Each branch writes a fixed value; the first two are the Origin they were just compared with, so the header is the
// Origin echoed for those two and * for everyone else (audit 32 case 32). Credentials go with the first only.
app.use((req, res, next) => {
  const origin = req.headers.origin;
  if (origin === 'https://app.example.com') {
    res.set('Access-Control-Allow-Origin', 'https://app.example.com');
    res.set('Access-Control-Allow-Credentials', 'true');
  } else if (origin === 'null') {
    res.set('Access-Control-Allow-Origin', 'null');
  } else {
    res.set('Access-Control-Allow-Origin', '*');
  }
  res.set('Vary', 'Origin');
  next();
});

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
