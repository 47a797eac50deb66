/** Which files the Python extractor (FastAPI/Starlette, Flask) takes, decided without loading it. */
import { matchesInCode } from '../comments.js';

// Files that mention CORS, and files that register an after_request hook defined elsewhere
// (`app.after_request(add_cors_headers)`): the hook's headers belong to that file's app.
// Global: every match is tried until one is outside a comment line.
// And files that start a uvicorn server (`uvicorn.run("app.main:app", port=8000)` in a run.py): the port of that app.
// And files that register a middleware class (`app.add_middleware(CrossOriginMiddleware)`, `Middleware(X)`): the class,
// defined elsewhere, may write the CORS headers (audit 53 pymanual c02; registersHeaderMiddleware decides).
const PREFILTER = /cors|access-control-|after_(?:app_)?request\(\s*[A-Za-z_]|\buvicorn\.run\(|\badd_middleware\(\s*[A-Za-z_]|\bMiddleware\(\s*[A-Za-z_]/gi;

export function acceptsPython(path: string): boolean {
  return path.endsWith('.py');
}

// And files where a route decorator has another decorator below it (`@app.route("/x")` then `@allow_cross_domain`):
// a decorator the project defines elsewhere may write the view's CORS headers (audit 53 flask c16). Continuation
// lines of a route decorator written over several lines are skipped (each line can be read one way only, so
// the pattern does not backtrack).
const DECORATED_ROUTE = /^[ \t]*@[A-Za-z_][\w.]*\.(?:route|get|post|put|patch|delete)\([^\n]*\n(?:[ \t]*(?:#[^\n]*)?\n|[ \t]+(?!(?:async|def)\b)[^@\s#][^\n]*\n|[)\]}][^\n]*\n)*[ \t]*@[A-Za-z_]/gm;

export function pythonPrefilter(text: string): boolean {
  return matchesInCode(text, PREFILTER, 'python') || matchesInCode(text, DECORATED_ROUTE, 'python');
}
