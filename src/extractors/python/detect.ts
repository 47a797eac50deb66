/** Which files the Python extractor (FastAPI/Starlette, Flask) takes, decided without loading it. */

const PREFILTER = /cors|access-control-/i;

export function acceptsPython(path: string): boolean {
  return path.endsWith('.py');
}

export function pythonPrefilter(text: string): boolean {
  return PREFILTER.test(text);
}
