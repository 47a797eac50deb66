/** Which files the Python extractor (FastAPI/Starlette, Flask) takes, decided without loading it. */

// Files that mention CORS, and files that register an after_request hook defined elsewhere
// (`app.after_request(add_cors_headers)`): the hook's headers belong to that file's app.
const PREFILTER = /cors|access-control-|after_(?:app_)?request\(\s*[A-Za-z_]/i;

export function acceptsPython(path: string): boolean {
  return path.endsWith('.py');
}

export function pythonPrefilter(text: string): boolean {
  return PREFILTER.test(text);
}
