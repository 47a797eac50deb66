import cors from 'cors';
import express from 'express';
import { createSchema, createYoga } from 'graphql-yoga';

const schema = createSchema({ typeDefs: 'type Query { me: String }', resolvers: { Query: { me: () => 'alice' } } });

const app = express();
// Audit 38 c09's shape: cors() answers the preflights with its one origin, but on the other responses yoga's own
// headers replace its Access-Control-Allow-Origin with the request's.
app.use(cors({ origin: 'https://app.example.com', credentials: true }));
app.use('/api', createYoga({ schema, graphqlEndpoint: '/api/items' }));
// cors: false: only the express cors() headers. credentials: false: cors()'s Access-Control-Allow-Credentials stays.
app.use('/off', createYoga({ schema, graphqlEndpoint: '/off', cors: false }));
app.use('/nocred', createYoga({ schema, graphqlEndpoint: '/nocred', cors: { origin: ['https://app.example.com'], credentials: false } }));

app.listen(Number(process.env.PORT), '127.0.0.1');
