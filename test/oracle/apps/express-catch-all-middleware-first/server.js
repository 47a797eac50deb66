import express from 'express';
import cors from 'cors';

// A hand-written catch-all (a middleware that never calls next()) registered before cors(): the cors() never runs,
// so no response carries CORS headers, the routes before it included.
const app = express();
app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.get('/api/error', () => {
  throw new Error('boom');
});
app.use((req, res) => {
  res.status(404).json({ error: 'not found' });
});
app.use(cors({ origin: true, credentials: true }));
app.put('/api/late', (req, res) => res.json({ ok: true }));

app.listen(Number(process.env.PORT), '127.0.0.1');
