import express from 'express';
import cors from 'cors';

const app = express();
const api = express.Router();
api.use(cors({ origin: 'https://app.example.com', maxAge: 7200 }));
api.get('/items', (req, res) => res.json([{ id: 1 }]));
api.put('/items', (req, res) => res.json({ ok: true }));
api.post('/items', (req, res) => res.json({ ok: true }));
api.get('/error', () => {
  throw new Error('boom');
});
app.use('/api', api);
app.get('/health', (req, res) => res.send('ok'));

app.listen(Number(process.env.PORT), '127.0.0.1');
