module.exports = {
  allowedOrigins: (process.env.ALLOWED_ORIGINS ?? 'https://app.example.com,http://localhost:3000/').split(','),
};
