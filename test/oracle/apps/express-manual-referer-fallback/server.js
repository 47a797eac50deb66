import express from 'express';

// An origin check OR-ed with a "backup" Referer check (audit 53 c08, Sohag-FeelIt/BlueScar): a request without a
// Referer, or whose Referer mentions vercel.app, gets its Origin echoed with credentials. The oracle's requests carry
// no Referer, as a page's fetch with referrerPolicy 'no-referrer' does: every origin, null included, is reflected.
const allowedOrigins = ['https://app.example.com', 'http://localhost:3000'];
const app = express();
app.use((req, res, next) => {
  const origin = req.headers.origin;
  const referer = req.headers.referer;
  const isAllowedOrigin = !origin || allowedOrigins.includes(origin) || origin.endsWith('.vercel.app');
  const isAllowedReferer = !referer || allowedOrigins.some((allowed) => referer.startsWith(allowed)) || referer.includes('vercel.app');
  if (isAllowedOrigin || isAllowedReferer) {
    res.header('Access-Control-Allow-Origin', origin || '*');
  }
  res.header('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS');
  res.header('Access-Control-Allow-Headers', 'Content-Type, Authorization');
  res.header('Access-Control-Allow-Credentials', 'true');
  if (req.method === 'OPTIONS') {
    return res.status(204).end();
  }
  next();
});

app.get('/api/items', (req, res) => res.json([{ id: 1 }]));
app.put('/api/items', (req, res) => res.json({ ok: true }));
app.get('/api/error', () => {
  throw new Error('boom');
});

app.listen(Number(process.env.PORT), '127.0.0.1');
