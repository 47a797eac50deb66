/**
 * Messages of the nginx findings that must name the right cause (audit 32 nginx D3, D4): the fixture suite checks
 * the lines and rules only.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintDir } from '../support/lint.js';

const NGINX = path.resolve(import.meta.dirname, '..', '..', 'fixtures', 'nginx');

describe('nginx finding messages', () => {
  it('duplicate-allow-origin names the outer proxy_hide_header that the location\'s own list replaces', async () => {
    const diags = (await lintDir(path.join(NGINX, 'compose-hide-replaced'))).filter((d) => d.ruleId === 'cors/duplicate-allow-origin');
    expect(diags).toHaveLength(1);
    const d = diags[0] as (typeof diags)[number];
    expect(d.message).toContain('of an outer level does not apply where the request is proxied');
    expect(d.message).not.toContain('or add proxy_hide_header');
    expect(d.related?.map((r) => r.message)).toContain('proxy_hide_header Access-Control-Allow-Origin set here is not inherited');
  });

  it('duplicate-allow-origin advises the hide directive of the upstream module', async () => {
    const diags = (await lintDir(path.join(NGINX, 'compose-hide-lists'))).filter((d) => d.ruleId === 'cors/duplicate-allow-origin');
    expect(diags.map((d) => /add (\w+) Access-Control-Allow-Origin/.exec(d.message)?.[1]).sort()).toEqual(['proxy_hide_header', 'uwsgi_hide_header']);
  });

  it('dropped-cors-headers does not list a misspelled, non-CORS header', async () => {
    const diags = (await lintDir(NGINX, ['dropped-misspelled.conf'])).filter((d) => d.ruleId === 'cors/dropped-cors-headers');
    expect(diags).toHaveLength(1);
    expect(diags[0]?.message).toContain('so Access-Control-Allow-Origin is not sent here');
    expect(diags[0]?.message.toLowerCase()).not.toContain('allow_credentials');
  });

  it('reflected-origin-with-credentials on a preflight-only answer does not claim that the responses can be read', async () => {
    const diags = (await lintDir(NGINX, ['preflight-only-reflection.conf'])).filter((d) => d.ruleId === 'cors/reflected-origin-with-credentials');
    expect(diags).toHaveLength(1);
    expect(diags[0]?.message).toContain('This preflight answer reflects any request Origin');
    expect(diags[0]?.message).toContain('are sent with the user\'s cookies');
    expect(diags[0]?.message).not.toContain('read the responses');
  });

  it('reflected-origin-with-credentials uses the preflight wording for a named location entered only from OPTIONS branches', async () => {
    const diags = (await lintDir(NGINX, ['preflight-named-location.conf'])).filter((d) => d.ruleId === 'cors/reflected-origin-with-credentials');
    expect(diags).toHaveLength(1);
    expect(diags[0]?.message).toContain('This preflight answer reflects any request Origin');
    expect(diags[0]?.message).not.toContain('read the responses');
  });

  it('wildcard-origin-with-credentials on a preflight-only answer names the preflighted requests, not every credentialed one', async () => {
    const diags = (await lintDir(NGINX, ['preflight-wildcard-credentials.conf'])).filter((d) => d.ruleId === 'cors/wildcard-origin-with-credentials');
    expect(diags).toHaveLength(1);
    expect(diags[0]?.message).toContain('every credentialed request that needs a preflight');
    expect(diags[0]?.message).not.toContain('every credentialed cross-origin request');
  });

  it('a header line that reaches every response and the OPTIONS branch is reported once, with the wording for every response', async () => {
    const diags = (await lintDir(NGINX, ['more-options-branch.conf'])).filter((d) => d.ruleId === 'cors/wildcard-origin-with-credentials' || d.ruleId === 'cors/reflected-origin-with-credentials');
    expect(diags.map((d) => d.ruleId).sort()).toEqual(['cors/reflected-origin-with-credentials', 'cors/wildcard-origin-with-credentials']);
    for (const d of diags) expect(d.message).not.toContain('preflight');
  });

  it('missing-preflight-handler says the preflight gets no OK status when the error answer carries the headers (`always`)', async () => {
    // audit 44 nginx D1: static content's 405, auth_basic's 401 and an OPTIONS branch's 403 carry the `always`
    // headers (and headers-more's); without `always` they carry none.
    const diags = (await lintDir(NGINX, ['preflight-error-status.conf'])).filter((d) => d.ruleId === 'cors/missing-preflight-handler');
    const byLine = new Map(diags.map((d) => [d.line, d.message]));
    const noOk = "The browser's OPTIONS preflight gets no OK status";
    const noHeaders = "Nothing answers the browser's OPTIONS preflight with CORS headers";
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual([11, 19, 27, 35, 42, 52, 62]);
    for (const line of [11, 19, 35, 42, 62]) expect(byLine.get(line), `line ${line}`).toContain(noOk);
    for (const line of [27, 52]) expect(byLine.get(line), `line ${line}`).toContain(noHeaders);
  });

  it('missing-preflight-handler names the OPTIONS branch or directive that gives the failing answer', async () => {
    // audit 44 nginx N1: the message blames the OPTIONS branch, which is not the policy's own span.
    const diags = (await lintDir(NGINX, ['preflight-error-status.conf'])).filter((d) => d.ruleId === 'cors/missing-preflight-handler');
    const related = new Map(diags.map((d) => [d.line, d.related?.map((r) => `${r.line} ${r.message}`) ?? []]));
    expect(related.get(62)).toEqual(['65 the preflight gets its answer here']);
    expect(related.get(42)).toEqual(['43 the preflight gets its answer here']);
    expect(related.get(11)).toEqual([]);
  });
});
