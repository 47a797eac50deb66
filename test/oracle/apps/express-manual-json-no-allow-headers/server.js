import express from 'express';

const app = express();
app.use(express.json());
// No Access-Control-Allow-Headers: the preflight of a JSON POST (Content-Type: application/json) or of a request
// with Authorization gets no permission for them (audit 28 case 30, the Express shape).
app.use((req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', 'https://app.example.com');
  res.setHeader('Access-Control-Allow-Methods', 'GET, PUT, POST');
  next();
});

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json(req.body));
app.post('/api/items', (req, res) => res.json(req.body));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
