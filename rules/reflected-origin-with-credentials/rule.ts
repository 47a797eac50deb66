import { defineRule } from '../../src/engine/rule.js';
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
});
