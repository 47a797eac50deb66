// Imported by server.ts: cors-lint resolves these values across modules, also inside ESLint.
export const corsConfig = {
  origins: (process.env.ALLOWED_ORIGINS ?? 'https://app.example.com,https://admin.example.com/').split(','),
  methods: ['GET', 'POST'],
};
