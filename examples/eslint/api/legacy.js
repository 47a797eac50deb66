const express = require('express');

const app = express();
app.use((req, res, next) => {
  res.header('Access-Control-Allow-Origin', req.headers.origin);
  res.header('Access-Control-Allow-Credentials', 'True');
  next();
});
app.get('/legacy', (req, res) => res.send('ok'));
module.exports = app;
