/** Which files the Python extractor (FastAPI/Starlette, Flask) takes, decided without loading it. */
import { matchesInCode } from '../comments.js';

// Files that mention CORS, and files that register an after_request hook defined elsewhere
// (`app.after_request(add_cors_headers)`): the hook's headers belong to that file's app.
// Global: every match is tried until one is outside a comment line.
// And files that start a uvicorn server (`uvicorn.run("app.main:app", port=8000)` in a run.py): the port of that app.
const PREFILTER = /cors|access-control-|after_(?:app_)?request\(\s*[A-Za-z_]|\buvicorn\.run\(/gi;

export function acceptsPython(path: string): boolean {
  return path.endsWith('.py');
}

export function pythonPrefilter(text: string): boolean {
  return matchesInCode(text, PREFILTER, 'python');
}
