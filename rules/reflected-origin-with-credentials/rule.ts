import { defineRule } from '../../src/engine/rule.js';
import { upstreamCredentialsThrough } from '../../src/analysis/paths.js';
import { echoSites, preflightOnlyAnswer, viaNote } from '../util.js';

export default defineRule({
  meta: {
    id: 'reflected-origin-with-credentials',
    summary: 'Any origin is accepted and credentials are allowed: any website can read user data',
    severity: 'error',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const { origin, credentials } = policy;
    if (!origin.known || !credentials.known) return;
    if (origin.value.kind !== 'reflect-any' || !credentials.value) return;
    const accepts = `${origin.value.from === 'request-parameter' ? 'accepts any origin the requester names' : 'reflects any request Origin'}${viaNote(origin)}`;
    // Echoed on preflight answers only (nginx `if ($request_method = OPTIONS) { ...; return 204; }`): every site's
    // preflight passes, so its credentialed PUT/DELETE/JSON requests are sent with the user's cookies and act on the
    // server, but reading their responses takes Access-Control-Allow-Origin on the responses themselves, which another
    // policy decides (audit 33 nginx D3, checked with nginx 1.22: the PUT from https://evil.com got no ACAO).
    // (Not when the same echo reaches the actual responses too: that policy reports it at the same place.)
    const preflightOnly = preflightOnlyAnswer(policy, ctx.project.policies, (p) => p.origin.known && p.origin.value.kind === 'reflect-any' && p.credentials.known && p.credentials.value);
    ctx.report({
      message: preflightOnly
        ? `This preflight answer ${accepts} and allows credentials: the preflight of any website passes, so its credentialed non-simple requests ` +
          `(PUT, DELETE, JSON POST...) are sent with the user's cookies and act on the server (a CSRF that the preflight should have stopped), ` +
          `even where the responses themselves cannot be read. Answer preflights only for the allowed origins.`
        : `This CORS policy ${accepts} and allows credentials: ` + `any website can make requests with the user's cookies and read the responses.`,
      span: origin.span,
      related: [{ span: credentials.span, message: 'credentials are allowed here' }, ...echoSites(origin)],
    });
  },
  checkProject(ctx) {
    // Across layers (audit 39 mix c11): a proxy that hides the upstream app's Access-Control-Allow-Origin and echoes
    // the request Origin instead, while the app's `Access-Control-Allow-Credentials: true` passes through. The browser
    // gets the echo and the credentials together (checked with nginx 1.22 in front of Express + cors 2.8 and Starlette
    // 0.26): the proxy's reflection is the credentialed one, reported here and not by reflected-origin.
    for (const proxy of ctx.project.policies) {
      const up = proxy.upstream;
      if (!up || !proxy.origin.known || proxy.origin.value.kind !== 'reflect-any') continue;
      const through = upstreamCredentialsThrough(proxy, ctx.project.policies);
      if (!through) continue;
      const accepts = proxy.origin.value.from === 'request-parameter' ? 'accepts any origin the requester names' : 'echoes any request Origin';
      ctx.report({
        message:
          `This proxy replaces the upstream app's Access-Control-Allow-Origin with one that ${accepts}${viaNote(proxy.origin)}, but the app (${up.label}) ` +
          `sends Access-Control-Allow-Credentials: true to every origin, which the proxy passes on: ` +
          (through.reach === 'all'
            ? `any website can make requests with the user's cookies and read the responses.`
            : `any website can make requests that need no preflight (GET, form POST) with the user's cookies and read the responses ` +
              `(the app's own preflight answer refuses origins it does not allow).`) +
          ` Let the app's own Access-Control-Allow-Origin through, or allow only listed origins here.`,
        span: proxy.origin.span,
        related: [
          { span: through.app.credentials.span, message: 'the upstream app allows credentials here' },
          { span: up.span, message: 'requests are proxied to the app here' },
          ...echoSites(proxy.origin),
        ],
      });
    }
  },
});
