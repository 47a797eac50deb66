import { defineRule } from '../../src/engine/rule.js';

export default defineRule({
  meta: {
    id: 'invalid-preflight-route',
    summary: "app.options('*') / app.all('*') under Express 5: path-to-regexp 8 throws at start-up",
    severity: 'error',
    recommended: true,
    kinds: ['express'],
    fixable: true,
  },
  checkApp(app, ctx) {
    for (const route of app.routes) {
      if (!route.pathError) continue;
      if (!route.methods.some((m) => m === 'OPTIONS' || m === 'ALL' || m === 'USE')) continue;
      const version = app.framework?.version ? ` (express ${app.framework.version})` : '';
      ctx.report({
        message: `${route.pathError}${version}.`,
        span: route.span,
        ...(route.path === '*' || route.path === '/*' || route.path === '(.*)' || route.path === '/(.*)'
          ? { fix: { description: "Use '/{*splat}', which matches every path in Express 5", edits: [{ span: { ...route.span, start: route.span.start + 1, end: route.span.end - 1 }, text: '/{*splat}' }] } }
          : {}),
        ...(app.framework?.span ? { related: [{ span: app.framework.span, message: 'Express 5 is required here' }] } : {}),
      });
    }
  },
});
