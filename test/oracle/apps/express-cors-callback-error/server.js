import express from 'express';
import cors from 'cors';

const allowed = ['https://app.example.com', 'https://admin.example.com'];
const app = express();
// The cors README's example: a refused origin is an error, so the request ends in Express's error handler.
app.use(
  cors({
    credentials: true,
    origin(origin, callback) {
      if (allowed.indexOf(origin) !== -1) callback(null, true);
      else callback(new Error('Not allowed by CORS'));
    },
  }),
);
// Runs only for the origins cors allowed: reflecting the origin here reflects only those.
app.use((req, res, next) => {
  if (req.headers.origin) res.set('Access-Control-Allow-Origin', req.headers.origin);
  next();
});

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
