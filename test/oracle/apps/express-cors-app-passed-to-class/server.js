import express from 'express';
import cors from 'cors';

// The app handed to a class (audit 41 js D3, the bezkoder-style Server class): the constructor calls a method
// of its own with it, and that method registers cors() on the caller's app, before the routes below.
class Server {
  constructor(app) {
    this.config(app);
  }

  config(app) {
    app.use(cors({ origin: ['https://app.example.com'], credentials: true, methods: 'GET,POST' }));
    app.use(express.json());
  }
}

const app = express();
new Server(app);

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
