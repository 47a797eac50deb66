/**
 * graphql-yoga's built-in CORS (`createYoga({ schema, cors })`): from its `cors` option to the policy fields.
 *
 * Yoga (3.x, 4.x and 5.x alike) adds the CORS plugin of @whatwg-node/server unless `cors: false`; the plugin's
 * plugins/useCors.js (read in @whatwg-node/server 0.7.7, 0.9.71 and 0.11.0, the versions yoga 3.9, 4 and 5.24
 * install) decides the headers per request, and a server run with yoga 5.24.1 behind Express 5 sent exactly that:
 * - no Origin on the request: no CORS header at all;
 * - `origin` absent, empty, or containing `*` (an array item `'*'`, or a string with a `*` anywhere in it): the
 *   request Origin is reflected, with `Vary: Origin`;
 * - any other string, or an array of one item: that value, whatever the request Origin;
 * - an array of several: the Origin when it is an item (exact comparison), else the literal `null`, without Vary;
 * - `credentials` absent: `Access-Control-Allow-Credentials: true` (it is left out only for an ACAO of `*`, which
 *   yoga never sends); otherwise only `true` sends it;
 * - `methods` / `allowedHeaders` absent or empty: the requested ones are echoed; `exposedHeaders`, `maxAge`;
 * - these headers go on every response yoga makes (errors and 404s too, preflights and actual requests), replacing
 *   what an earlier Express middleware set under the same names; every OPTIONS request is answered 204 there.
 * The options differ from the `cors` package's (cors-options.ts) in `*`, the origin default and credentials, so
 * they are read here.
 */
import { known, unknown, type OriginEntry, type OriginPolicy, type TokenList, type Valued } from '../../model/index.js';
import { type AstNode } from './ast.js';
import { tokenList, type CorsFields } from './cors-options.js';
import { envName, valueSpan, verbatimSpan, type JsValue } from './evaluate.js';
import { spanOf, type JsModule } from './modules.js';

const RESTRICT = "restrict it with cors: { origin: ['https://your.app'] } or turn it off with cors: false";

function unknownOf<T>(v: JsValue, what: string): Valued<T> {
  const env = envName(v);
  return unknown(`${what}: ${v.t === 'unknown' ? v.reason : env ? `read from $${env} at runtime` : `a ${v.t} value`}`, valueSpan(v));
}

function kv<T>(value: T, v: JsValue, via?: string): Valued<T> {
  const note = [v.via, via].filter(Boolean).join('; ');
  return known(value, valueSpan(v), note || undefined);
}

/** A value yoga treats as absent (`!= null` fails). */
function isNullish(v: JsValue): boolean {
  return v.t === 'undef' || v.t === 'null';
}

/** The `origin` option, with yoga's rules (see the top of this file). */
function yogaOrigin(o: JsValue): Valued<OriginPolicy> {
  const reflect = (why: string) => kv<OriginPolicy>({ kind: 'reflect-any' }, o, `graphql-yoga reflects every origin for ${why}; ${RESTRICT}`);
  if (o.t === 'str') {
    if (o.v === '') return reflect('an empty origin');
    // `origin.includes('*')` is a substring test on a string.
    if (o.v.includes('*')) return reflect(o.v === '*' ? `origin '*'` : `an origin containing '*'`);
    return kv({ kind: 'fixed', value: o.v }, o);
  }
  if (o.t !== 'array' || o.maybeFewer) return unknownOf(o, 'graphql-yoga cors origin');
  // An item not known may be '*' (which reflects): nothing can be said.
  if (o.items.some((it) => it.t !== 'str')) return unknownOf(o.items.find((it) => it.t !== 'str') as JsValue, 'graphql-yoga cors origin');
  const items = o.items as (JsValue & { t: 'str' })[];
  if (items.length === 0) return reflect('an empty origin list');
  if (items.some((it) => it.v === '*')) return reflect(`an origin list holding '*'`);
  if (items.length === 1) return kv({ kind: 'fixed', value: (items[0] as { v: string }).v }, o);
  const entries: OriginEntry[] = items.map((it) => ({ type: 'literal', value: it.v, caseInsensitive: false, span: valueSpan(it), ...verbatimSpan(it) }));
  // A refused origin gets `Access-Control-Allow-Origin: null`, so the origin "null" (a sandboxed iframe) reads too.
  entries.push({ type: 'literal', value: 'null', caseInsensitive: false, span: valueSpan(o) });
  return kv({ kind: 'allow-list', entries, unknownEntries: [], refusedValue: 'null' }, o, 'graphql-yoga sends Access-Control-Allow-Origin: null to the origins it refuses');
}

/** `methods` / `allowedHeaders`: a non-empty array is sent joined; absent or empty, the requested values are echoed. */
function echoedUnlessListed(v: JsValue | undefined, what: string, dflt: () => Valued<TokenList>): Valued<TokenList> {
  if (!v || isNullish(v)) return dflt();
  if ((v.t === 'array' && v.items.length === 0 && !v.maybeFewer) || (v.t === 'str' && v.v === '')) return kv({ kind: 'echo' }, v);
  // A non-empty string has a length but no join(): the plugin throws. Only arrays are read.
  if (v.t !== 'array' || v.maybeFewer) return unknownOf(v, what);
  return tokenList(v, what);
}

/**
 * The policy fields of yoga's CORS. `options` is the `cors` option's value (undefined when absent), `create` the
 * createYoga() call (the span of the defaults). `preflightContinue` is false and the status 204: yoga ends every
 * OPTIONS request itself.
 */
export function yogaFields(options: JsValue | undefined, create: AstNode, mod: JsModule): CorsFields {
  const span = spanOf(mod, create);
  // `cors: true` (or any value that is neither an object, a function nor false) keeps the defaults, as no option.
  if (options && options.t !== 'object' && options.t !== 'bool' && !isNullish(options)) {
    const u = <T>(): Valued<T> => unknownOf<T>(options, options.t === 'func' ? 'graphql-yoga cors options chosen per request' : 'graphql-yoga cors options');
    return { origin: u(), credentials: u(), allowMethods: u(), allowHeaders: u(), exposeHeaders: u(), maxAge: u(), preflightContinue: known(false, span), successStatus: 204 };
  }
  const props = options?.t === 'object' ? options.props : new Map<string, JsValue>();
  const partial = options?.t === 'object' && options.partial;
  const dflt = <T>(key: string, value: T, via: string): Valued<T> => (partial ? unknown(`${key} may be set by a spread`, span) : known(value, span, via));
  const get = (k: string): JsValue | undefined => {
    const v = props.get(k);
    return v && !isNullish(v) ? v : undefined;
  };
  const given = !options || isNullish(options) ? 'no cors option is given' : options.t === 'bool' ? 'cors: true keeps the defaults' : 'no origin is given';

  const o = get('origin');
  const origin: Valued<OriginPolicy> = o
    ? yogaOrigin(o)
    : dflt('origin', { kind: 'reflect-any' }, `graphql-yoga's default CORS, as ${given}; ${RESTRICT}`);

  const c = get('credentials');
  const credentials: Valued<boolean> = !c
    ? dflt('credentials', true, "graphql-yoga's default: Access-Control-Allow-Credentials: true unless credentials: false")
    : c.t === 'bool'
      ? kv(c.v, c)
      : c.t === 'unknown' || c.t === 'ext' || envName(c)
        ? unknownOf(c, 'credentials')
        : kv(false, c); // only `=== true` sends it

  const echo = (key: string) => (): Valued<TokenList> => dflt(key, { kind: 'echo' }, `graphql-yoga echoes the requested ${key === 'methods' ? 'method' : 'headers'}`);
  const allowMethods = echoedUnlessListed(get('methods'), 'methods', echo('methods'));
  const allowHeaders = echoedUnlessListed(get('allowedHeaders'), 'allowedHeaders', echo('allowedHeaders'));

  const e = get('exposedHeaders');
  const exposeHeaders: Valued<TokenList> = !e
    ? dflt('exposedHeaders', { kind: 'none' }, 'default')
    : e.t === 'array' && !e.maybeFewer
      ? e.items.length
        ? tokenList(e, 'exposedHeaders')
        : kv({ kind: 'none' }, e)
      : unknownOf(e, 'exposedHeaders');

  const a = get('maxAge');
  // Sent when truthy, with toString().
  const maxAge: Valued<string | null> = !a
    ? dflt('maxAge', null, 'default')
    : a.t === 'num'
      ? kv(a.v ? String(a.v) : null, a)
      : a.t === 'str'
        ? kv(a.v === '' ? null : a.v, a)
        : unknownOf(a, 'maxAge');

  return { origin, credentials, allowMethods, allowHeaders, exposeHeaders, maxAge, preflightContinue: known(false, span), successStatus: 204 };
}
