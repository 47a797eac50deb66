/** Raw HTTP exchanges with exact request headers (Node's fetch forbids setting Origin). */
import * as http from 'node:http';

export interface RawResponse {
  status: number;
  /** [name, value] pairs as received, names lower-cased. */
  lines: [string, string][];
}

export function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const h: Record<string, string> = { ...headers, Connection: 'close' };
    if (body !== undefined) h['Content-Length'] = String(Buffer.byteLength(body));
    const req = http.request({ host: '127.0.0.1', port, method, path, headers: h, timeout: 10_000 }, (res) => {
      const lines: [string, string][] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push([(res.rawHeaders[i] as string).toLowerCase(), res.rawHeaders[i + 1] as string]);
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, lines }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The browser's view: values of same-named lines joined with ", " (Fetch "get"). */
export function joined(lines: [string, string][]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of lines) out[k] = out[k] === undefined ? v : `${out[k]}, ${v}`;
  return out;
}
