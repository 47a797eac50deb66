const express = require('express');
const cors = require('cors');
const { allowedOrigins } = require('./config');

const app = express();
app.use(express.json());

app.get('/api/status', (req, res) => res.json({ ok: true }));
app.use(cors({ origin: allowedOrigins, methods: ['GET', 'POST'] }));

app.put('/api/orders/:id', (req, res) => res.json({ id: req.params.id }));

const admin = express.Router();
admin.use(cors({ origin: /admin\.example\.com$/, credentials: true }));
admin.get('/users', (req, res) => res.json([]));
app.use('/admin', admin);

app.options('*', cors());
app.listen(3000);
