/** Hand-built models for simulate's unit tests (no extractor involved). */
import { known, type AppModel, type CorsPolicy, type OriginPolicy, type Span, type TokenList, type Valued } from '../../src/model/index.js';

export const FILE = 'app.py';
export const TEXT = ['line1', 'allow_origins', 'allow_methods', 'allow_headers', 'credentials', 'policy'].join('\n');
const at = (line: number): Span => {
  const start = TEXT.split('\n').slice(0, line - 1).join('\n').length + (line > 1 ? 1 : 0);
  return { file: FILE, start, end: start + 3 };
};
export const SPANS = { origin: at(2), methods: at(3), headers: at(4), credentials: at(5), policy: at(6) };

export function list(...items: string[]): TokenList {
  return { kind: 'list', items: items.map((value) => ({ value, span: SPANS.methods })) };
}

export function policy(over: Omit<Partial<CorsPolicy>, 'origin'> & { origin?: OriginPolicy | Valued<OriginPolicy> } = {}): CorsPolicy {
  const { origin, ...rest } = over;
  const o: Valued<OriginPolicy> = origin === undefined ? known<OriginPolicy>({ kind: 'wildcard' }, SPANS.origin) : 'known' in origin ? origin : known(origin, SPANS.origin);
  return {
    id: 'p1',
    kind: 'express',
    mechanism: 'cors-package',
    layer: 'app',
    span: SPANS.policy,
    scope: { level: 'app', label: 'app' },
    appId: 'a1',
    origin: o,
    credentials: known(false, SPANS.credentials),
    allowMethods: known(list('GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'), SPANS.methods),
    allowHeaders: known<TokenList>({ kind: 'echo' }, SPANS.headers),
    exposeHeaders: known<TokenList>({ kind: 'none' }, SPANS.policy),
    maxAge: known<string | null>(null, SPANS.policy),
    varyOrigin: known(true, SPANS.policy),
    preflight: known({ handled: 'automatic' as const }, SPANS.policy),
    errorCoverage: known({ covers: 'all' as const }, SPANS.policy),
    privateNetwork: known(false, SPANS.policy),
    headerWrites: [],
    shadowedBy: [],
    ...rest,
  };
}

export function app(kind: AppModel['kind'], routes: [string, string][], version?: string): AppModel {
  return {
    id: 'a1',
    kind,
    span: SPANS.policy,
    label: 'app',
    ...(version ? { framework: { name: kind === 'fastapi' ? 'starlette' : kind, version } } : {}),
    routes: routes.map(([m, path]) => ({ methods: m.split('|'), path, span: SPANS.policy })),
    readsHeaders: [],
  };
}

export const readText = (f: string) => (f === FILE ? TEXT : undefined);
