import express from 'express';

// The Origin picked out of a list, with the first origin for everyone else.
const origins = ['https://app.example.com', 'https://admin.example.com'];

const app = express();
app.use((req, res, next) => {
  const allowed = origins.find((o) => o === req.get('origin')) || 'https://admin.example.com';
  res.header('Access-Control-Allow-Origin', allowed);
  res.header('Access-Control-Allow-Credentials', 'true');
  res.header('Vary', 'Origin');
  next();
});
app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
