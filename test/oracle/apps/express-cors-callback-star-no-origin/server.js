import cors from 'cors';
import express from 'express';

// "*" only for requests without an Origin; every Origin is echoed back, with credentials.
const app = express();
app.use(
  cors({
    origin: (origin, callback) => {
      if (!origin) return callback(null, '*');
      return callback(null, origin);
    },
    credentials: true,
  }),
);
app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
