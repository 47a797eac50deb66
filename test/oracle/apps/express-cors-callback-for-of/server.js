import express from 'express';
import cors from 'cors';

// The origin callback walks the allow-list with for...of and returns from inside the loop.
const allowed = [/\.example\.com$/, /^https:\/\/localhost:\d+$/];
const app = express();
app.use(
  cors({
    credentials: true,
    origin(origin, callback) {
      if (!origin) return callback(null, true);
      for (const re of allowed) {
        if (re.test(origin)) return callback(null, true);
      }
      callback(new Error('Not allowed by CORS'));
    },
  }),
);

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
