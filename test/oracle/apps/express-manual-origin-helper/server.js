import express from 'express';

// The handler hands the response and the request Origin to a helper.
function applyCors(res, origin) {
  if (origin && origin.startsWith('https://app.example.com')) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  res.setHeader('Vary', 'Origin');
}

const app = express();
app.get('/api/items', (req, res) => {
  applyCors(res, req.headers.origin);
  res.json([{ id: 1 }]);
});
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
