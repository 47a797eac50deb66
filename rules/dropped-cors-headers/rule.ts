/**
 * dropped-cors-headers: CORS headers set at an enclosing level never reach the responses of a nested level
 * that defines its own headers (nginx `add_header` inheritance, cors-semantics.md §4.2), or of an earlier
 * `if` block when a later matching `if` applies (§4.3). The extractor records the drops in
 * `policy.droppedInherited`; this rule only reports them.
 */
import { defineRule } from '../../src/engine/rule.js';
import { appPolicyReaches } from '../../src/analysis/paths.js';
import { allowsNoOrigin, type DroppedHeader } from '../../src/model/index.js';

const DISPLAY: Record<string, string> = {
  'access-control-allow-origin': 'Access-Control-Allow-Origin',
  'access-control-allow-credentials': 'Access-Control-Allow-Credentials',
  'access-control-allow-methods': 'Access-Control-Allow-Methods',
  'access-control-allow-headers': 'Access-Control-Allow-Headers',
  'access-control-expose-headers': 'Access-Control-Expose-Headers',
  'access-control-max-age': 'Access-Control-Max-Age',
  'access-control-allow-private-network': 'Access-Control-Allow-Private-Network',
};

const display = (h: string) => DISPLAY[h] ?? h;

export const droppedCorsHeaders = defineRule({
  meta: {
    id: 'dropped-cors-headers',
    summary: 'A nested nginx level or a later `if` defines its own headers and silently drops inherited CORS headers',
    severity: 'error',
    recommended: true,
    kinds: ['nginx'],
    fixable: false,
  },
  checkPolicy(policy, context) {
    let drops = policy.droppedInherited ?? [];
    // Proxied to an app of this repository that sends its own CORS headers: nginx's inherited ones not being
    // sent is what keeps the browser from getting two (duplicate-allow-origin covers the other case). Not when the
    // app's CORS is known to cover none of the paths proxied here (flask-cors `resources` elsewhere, audit 32 mix c14).
    const up = policy.upstream;
    const appSendsCors =
      up?.appId !== undefined &&
      !up.hidesOrigin &&
      context.project.policies.some((p) => p.layer === 'app' && p.appId === up.appId && p.origin.known && !allowsNoOrigin(p.origin.value) && appPolicyReaches(p, up.path) !== false);
    if (appSendsCors) drops = drops.filter((d) => d.reason !== 'redefined');
    if (drops.length === 0) return;
    // One finding per dropping statement, listing every header it drops.
    const byCause = new Map<string, DroppedHeader[]>();
    for (const d of drops) {
      const key = `${d.droppedBy.file}|${d.droppedBy.start}|${d.reason}`;
      const list = byCause.get(key) ?? [];
      list.push(d);
      byCause.set(key, list);
    }
    for (const list of byCause.values()) {
      const first = list[0] as DroppedHeader;
      const names = [...new Set(list.map((d) => display(d.header)))].join(', ');
      const message =
        first.reason === 'later-if'
          ? `When an earlier \`if\` block and this one both match, nginx uses only this block's add_header directives, so ${names} from the earlier block ${list.length > 1 ? 'are' : 'is'} not sent; repeat ${list.length > 1 ? 'them' : 'it'} here or end the earlier block with \`return\``
          : `This add_header makes ${first.droppedAt} drop every add_header inherited from the enclosing level, so ${names} ${list.length > 1 ? 'are' : 'is'} not sent here; repeat the CORS headers at this level (or include a shared snippet), or use \`add_header_inherit merge;\` (nginx >= 1.29.3)`;
      context.report({
        message,
        span: first.droppedBy,
        related: list.map((d) => ({ span: d.span, message: `${display(d.header)} set here is not sent for ${d.droppedAt}` })),
      });
    }
  },
});

export default droppedCorsHeaders;
