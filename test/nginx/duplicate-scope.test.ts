/**
 * duplicate-allow-origin in front of an app whose routes answer before its CORS middleware: only the responses that
 * pass through the middleware get a second Access-Control-Allow-Origin (audit 45 D5, checked with Express 5.3 and
 * nginx 1.22: GET /hello one value, a 404 and an OPTIONS preflight two). The fixture suite checks lines and rules only.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintDir } from '../support/lint.js';

const NGINX = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'nginx');

describe('duplicate-allow-origin behind routes registered first', () => {
  it('says which responses get two values, and which only the proxy\'s', async () => {
    const diags = (await lintDir(path.join(NGINX, 'compose-duplicate-routes-first'))).filter((d) => d.ruleId === 'cors/duplicate-allow-origin');
    expect(diags).toHaveLength(1);
    const d = diags[0] as (typeof diags)[number];
    expect(d.message).toContain('sends it on the responses that pass through its CORS handling: those get two values');
    expect(d.message).toContain('the responses of GET /api/items, which answers before it, get only the proxy\'s');
    expect(d.message).not.toContain('already sends it');
    expect(d.related?.map((r) => r.message)).toContain("GET /api/items answers before the app's CORS handling: one Access-Control-Allow-Origin");
  });

  it('keeps the plain message when the CORS middleware comes first', async () => {
    const diags = (await lintDir(path.join(NGINX, 'compose-duplicate'))).filter((d) => d.ruleId === 'cors/duplicate-allow-origin');
    expect(diags.length).toBeGreaterThan(0);
    for (const d of diags) expect(d.message).toContain('which already sends it: the browser gets two values');
  });
});
