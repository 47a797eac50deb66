import express from 'express';
import cors from 'cors';

const app = express();
// A hand-written credentials header next to cors() reflecting every origin: the browser sees both on every
// response, preflights included (audit 28 case 06).
app.use((req, res, next) => {
  res.header('Access-Control-Allow-Credentials', 'true');
  next();
});
app.use(cors({ origin: true }));

app.get('/api/me', (req, res) => res.json({ user: 'alice' }));
app.put('/api/me', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
