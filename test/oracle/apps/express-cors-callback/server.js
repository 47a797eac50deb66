import express from 'express';
import cors from 'cors';

const allowed = ['https://app.example.com', 'https://admin.example.com'];
const app = express();
app.use(
  cors({
    origin(origin, callback) {
      callback(null, allowed.includes(origin));
    },
    credentials: true,
  }),
);

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.post('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
