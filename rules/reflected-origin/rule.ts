import { defineRule } from '../../src/engine/rule.js';
import { upstreamCredentialsThrough } from '../../src/analysis/paths.js';
import { echoSites, viaNote } from '../util.js';

export default defineRule({
  meta: {
    id: 'reflected-origin',
    summary: 'Any origin is reflected back (without credentials): the same as *, and a cache risk',
    severity: 'warning',
    recommended: true,
    kinds: ['express', 'fastapi', 'flask', 'nginx'],
    fixable: false,
  },
  checkPolicy(policy, ctx) {
    const { origin, credentials } = policy;
    if (!origin.known || !credentials.known) return;
    if (origin.value.kind !== 'reflect-any' || credentials.value) return;
    // Echoed on preflight answers only (nginx `if ($request_method = OPTIONS) { ...; return 204; }`): they carry no
    // data to read, and without credentials any site can send the actual request anyway (audit 26 case 06).
    if (policy.scope.methods?.length === 1 && policy.scope.methods[0] === 'OPTIONS') return;
    // A proxy whose echo goes out with the upstream app's Access-Control-Allow-Credentials: true is not "without
    // credentials": reflected-origin-with-credentials reports it (audit 39 mix c11).
    if (upstreamCredentialsThrough(policy, ctx.project.policies)) return;
    ctx.report({
      message:
        `This CORS policy ${origin.value.kind === 'reflect-any' && origin.value.from === 'request-parameter' ? 'accepts any origin the requester names' : 'echoes back any request Origin'}${viaNote(origin)}: every website can read these responses ` +
        `(like *, but hidden). If that is intended, send * explicitly; otherwise list the allowed origins.`,
      span: origin.span,
      related: echoSites(origin),
    });
  },
});
