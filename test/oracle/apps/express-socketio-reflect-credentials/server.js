import http from 'node:http';
import express from 'express';
import { Server } from 'socket.io';

// Express serves the app; Socket.IO's engine.io answers /socket.io/ on the same HTTP server, before Express, and
// runs the cors package with the `cors` option there (long-polling requests and their preflights).
const app = express();
app.get('/api/items', (req, res) => res.json([{ id: 1 }]));

const server = http.createServer(app);
const io = new Server(server, {
  cors: { origin: true, credentials: true },
});
io.on('connection', () => {});

server.listen(Number(process.env.PORT), '127.0.0.1');
