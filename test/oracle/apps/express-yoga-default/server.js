import express from 'express';
import { createSchema, createYoga } from 'graphql-yoga';

const schema = createSchema({ typeDefs: 'type Query { me: String }', resolvers: { Query: { me: () => 'alice' } } });

const app = express();
// No cors option: graphql-yoga reflects every Origin with Access-Control-Allow-Credentials: true, on preflights
// (answered 204 by yoga) and on every other response it makes, its 404s included.
app.use('/api', createYoga({ schema, graphqlEndpoint: '/api/items' }));
// Several origins: a refused one gets Access-Control-Allow-Origin: null; lists are sent on every response.
app.use(
  '/list',
  createYoga({
    schema,
    graphqlEndpoint: '/list',
    cors: { origin: ['https://app.example.com', 'https://admin.example.com'], methods: ['GET', 'POST'], allowedHeaders: ['Content-Type'], maxAge: 600, exposedHeaders: ['X-Id'] },
  }),
);
// One origin, without credentials.
app.use('/one', createYoga({ schema, graphqlEndpoint: '/one', cors: { origin: 'https://app.example.com', credentials: false } }));

app.listen(Number(process.env.PORT), '127.0.0.1');
