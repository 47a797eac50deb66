import express from 'express';

const app = express();
// Hand-written headers for every request, credentials included...
app.use((req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', 'https://app.example.com');
  res.setHeader('Access-Control-Allow-Credentials', 'true');
  res.setHeader('Vary', 'Origin');
  next();
});

// ... then a route that echoes the Origin: the credentials header stays.
app.get('/api/items', (req, res) => {
  res.setHeader('Access-Control-Allow-Origin', req.headers.origin ?? 'https://app.example.com');
  res.json([{ id: 1 }]);
});
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
