import express, { type Request, type Response } from 'express';
import cors from 'cors';
import { corsConfig } from './config.js';

const app = express();
app.use(express.json());
app.use(cors({ origin: corsConfig.origins, methods: corsConfig.methods }));

app.put('/api/orders/:id', (req: Request, res: Response) => {
  res.json({ id: req.params.id });
});

const admin = express.Router();
admin.use(cors({ origin: /admin\.example\.com$/, credentials: true }));
admin.get('/users', (_req: Request, res: Response) => res.json([]));
app.use('/admin', admin);

app.options('*', cors());
app.listen(3000);
