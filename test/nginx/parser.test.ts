import { describe, expect, it } from 'vitest';
import { parseNginx, type Directive } from '../../src/extractors/nginx/parser.js';

const names = (ds: Directive[]): string[] => ds.map((d) => d.name);

describe('nginx parser', () => {
  it('gives exact positions for directives and arguments', () => {
    const text = 'http {\n  add_header Access-Control-Allow-Origin "https://a.com" always;\n}\n';
    const r = parseNginx(text);
    expect(r.errors).toEqual([]);
    const http = r.directives[0] as Directive;
    expect(http.name).toBe('http');
    expect(http.blockStart).toBe(5);
    const ah = (http.block as Directive[])[0] as Directive;
    expect(text.slice(ah.start, ah.end)).toBe('add_header Access-Control-Allow-Origin "https://a.com" always;');
    expect(ah.args.map((a) => a.value)).toEqual(['Access-Control-Allow-Origin', 'https://a.com', 'always']);
    const v = ah.args[1]!;
    expect(text.slice(v.start, v.end)).toBe('"https://a.com"');
    expect(v.quote).toBe('"');
    expect(http.end).toBe(text.length - 1);
  });

  it('handles comments, quotes with escapes and special characters inside quotes', () => {
    const r = parseNginx(`# comment { ;\nset $a "x;y{z}\\"q"; # trailing\nset $b 'it\\'s';\nset $c a#b;\nreturn 200 "a\\tb\\d";`);
    expect(r.errors).toEqual([]);
    expect(r.directives.map((d) => d.args.map((a) => a.value))).toEqual([
      ['$a', 'x;y{z}"q'],
      ['$b', "it's"],
      ['$c', 'a#b'],
      ['200', 'a\tb\\d'],
    ]);
  });

  it('keeps ${VAR} placeholders in one word and flags them', () => {
    const r = parseNginx('add_header Access-Control-Allow-Origin ${CORS_ORIGIN};');
    expect(r.errors).toEqual([]);
    const a = r.directives[0]!.args[1]!;
    expect(a.value).toBe('${CORS_ORIGIN}');
    expect(a.placeholder).toBe(true);
  });

  it('treats {{ var }} as a placeholder in template mode and skips statements', () => {
    const text = '{% if cors %}\nadd_header Access-Control-Allow-Origin {{ cors_origin }};\n{% endif %}\n{{- if .Values.x }}\nlocation / { }\n{{- end }}\n';
    const r = parseNginx(text, { template: true });
    expect(r.errors).toEqual([]);
    expect(names(r.directives)).toEqual(['add_header', 'location']);
    expect(r.directives[0]!.args[1]!.value).toBe('{{ cors_origin }}');
    expect(r.directives[0]!.args[1]!.placeholder).toBe(true);
  });

  it('analyses only the first branch of template conditionals', () => {
    const jinja = '{% if prod %}\nadd_header A x;\n{% elif stage %}\nadd_header A y;\n{% else %}\n{% if z %}add_header A q;{% endif %}\nadd_header A z;\n{% endif %}\nadd_header B b;\n';
    expect(parseNginx(jinja, { template: true }).directives.map((d) => `${d.name} ${d.args.map((a) => a.value).join(' ')}`)).toEqual(['add_header A x', 'add_header B b']);
    const go = '{{- if .Values.a }}\nadd_header A x;\n{{- else }}\n{{- if .Values.b }}\nadd_header A y;\n{{- end }}\n{{- end }}\nadd_header B b;\n';
    expect(parseNginx(go, { template: true }).directives.map((d) => d.args[0]!.value)).toEqual(['A', 'B']);
  });

  it('treats ERB output tags as placeholders and skips ERB statements (audit 36 nginx D3)', () => {
    const text =
      'upstream app {\n<% if @php %>\n  server unix:/run/php.sock;\n<% elsif @py -%>\n  server unix:/run/py.sock;\n<% else %>\n<% [1].each do |i| %>\n  server b<%= i %>;\n<% end %>\n<% end -%>\n}\n' +
      '<%# a comment %>\nserver {\n  ssl_certificate /etc/ssl/<%= node[:fqdn] %>.pem;\n  add_header Access-Control-Allow-Origin "<%= @o ? "a" : "b" %>" always;\n<%= @extra %>\n}\n';
    const r = parseNginx(text, { template: true });
    expect(r.errors).toEqual([]);
    expect(r.directives.map((d) => `${d.name} ${(d.block ?? []).map((c) => `${c.name} ${c.args.map((a) => a.value).join(' ')}`).join('; ')}`)).toEqual([
      'upstream server unix:/run/php.sock',
      'server ssl_certificate /etc/ssl/<%= node[:fqdn] %>.pem; add_header Access-Control-Allow-Origin <%= @o ? "a" : "b" %> always',
    ]);
    const acao = r.directives[1]!.block![1]!.args[1]!;
    expect(acao.placeholder).toBe(true);
    // Outside template mode nothing changes: nginx itself would reject the tags.
    expect(parseNginx(text).errors.length).toBeGreaterThan(0);
  });

  it('skips *_by_lua_block bodies with braces in Lua strings and comments', () => {
    const text = `location / {\n  access_by_lua_block {\n    local t = { a = "}" } -- } comment\n    local s = [[ { ]]\n    if x then ngx.say('{') end\n  }\n  add_header X-A b;\n}\n`;
    const r = parseNginx(text);
    expect(r.errors).toEqual([]);
    const loc = r.directives[0]!;
    expect(names(loc.block!)).toEqual(['access_by_lua_block', 'add_header']);
    expect(loc.block![0]!.opaqueBody).toBe(true);
  });

  it('reports a missing ";" with its position and still parses the next directive', () => {
    const text = 'location / {\n  add_header X-A b\n  add_header Access-Control-Allow-Origin *;\n}\n';
    const r = parseNginx(text);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.message).toMatch(/missing ";"/);
    expect(r.errors[0]!.start).toBe(text.indexOf(' b\n') + 2);
    expect(r.directives[0]!.block!.map((d) => d.args.map((a) => a.value))).toEqual([
      ['X-A', 'b'],
      ['Access-Control-Allow-Origin', '*'],
    ]);
  });

  it('a directive that takes any number of arguments takes the next line as nginx does (no error); a block after it is split', () => {
    // nginx 1.22 starts with this: try_files gets five arguments and the include never happens.
    const text = 'location / {\n  try_files $uri $uri/ =404\n  include snippets/cors.conf;\n}\n';
    const r = parseNginx(text);
    expect(r.errors).toEqual([]);
    expect(r.directives[0]!.block!.map((d) => [d.name, ...d.args.map((a) => a.value)])).toEqual([['try_files', '$uri', '$uri/', '=404', 'include', 'snippets/cors.conf']]);
    // `index` then a block on the next line: the `;` was forgotten (nginx rejects it).
    const b = parseNginx('server {\n  index index.html\n  location / { return 204; }\n}\n');
    expect(b.errors.map((e) => e.message)).toEqual(['missing ";" after "index" directive']);
    expect(b.directives[0]!.block!.map((d) => d.name)).toEqual(['index', 'location']);
    // A `//` note is no directive: nginx rejects the line, so the next directive is recovered as before.
    const c = parseNginx("location / {\n  add_header A b; // note\n  add_header C d;\n}\n");
    expect(c.errors.map((e) => e.message)).toEqual(['missing ";" after "//" directive']);
    expect(c.directives[0]!.block!.map((d) => d.name)).toEqual(['add_header', '//', 'add_header']);
  });

  it('reports a missing ";" before "}"', () => {
    const r = parseNginx('server { listen 80 }');
    expect(r.errors.map((e) => e.message)).toEqual(['missing ";" after "listen" directive']);
    expect(r.directives[0]!.block![0]!.args[0]!.value).toBe('80');
  });

  it('reports an unterminated block at its "{" and keeps its content', () => {
    const text = 'http {\n  server {\n    add_header A b;\n';
    const r = parseNginx(text);
    expect(r.errors).toHaveLength(2);
    expect(r.errors.map((e) => e.start).sort((a, b) => a - b)).toEqual([5, text.indexOf('{', 6)]);
    expect(r.directives[0]!.block![0]!.block![0]!.name).toBe('add_header');
  });

  it('reports unterminated strings, stray braces and a missing ";" at end of file', () => {
    expect(parseNginx('set $a "abc;\n').errors[0]!.message).toMatch(/unterminated/);
    expect(parseNginx('}\nset $a b;').errors[0]).toMatchObject({ message: 'unexpected "}"', start: 0 });
    expect(parseNginx('set $a b').errors[0]!.message).toMatch(/unexpected end of file/);
  });

  it('accepts ")" right after a quoted string (if conditions) but not "}" (checked against nginx -t)', () => {
    const r = parseNginx(`if ($http_origin ~* "^https://a\\.com$") { return 204; }`);
    expect(r.errors).toEqual([]);
    expect(r.directives[0]!.args.map((a) => a.value)).toEqual(['($http_origin', '~*', '^https://a\\.com$', ')']);
    expect(parseNginx('location / { return 200 "x"}').errors[0]!.message).toMatch(/unexpected "}" after a quoted string/);
  });

  it('reports a "{" inside a map entry where nginx does, and reads the entry as the regex meant', () => {
    const text = 'map $http_origin $o {\n  ~^https://a\\.com(:[0-9]{1,5})?$ $http_origin;\n  default "";\n}\nserver { listen 80; }\n';
    const r = parseNginx(text);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ start: text.indexOf('{1,5}') });
    expect(r.errors[0]!.message).toMatch(/^unexpected "\{" in the "map" block/);
    const map = r.directives[0]!;
    expect(map.block!.map((d) => [d.name, ...d.args.map((a) => a.value)])).toEqual([
      ['~^https://a\\.com(:[0-9]{1,5})?$', '$http_origin'],
      ['default', ''],
    ]);
    expect(r.directives[1]!.name).toBe('server');
  });

  it('does not treat # or } inside a word as special (like nginx)', () => {
    const r = parseNginx('location ~ ^/a}b#c { }');
    expect(r.errors).toEqual([]);
    expect(r.directives[0]!.args.map((a) => a.value)).toEqual(['~', '^/a}b#c']);
  });

  it('never throws on random input', () => {
    const alphabet = ['{', '}', ';', '"', "'", '\\', '#', '$', '{{', '}}', ' ', '\n', 'a', 'add_header', '_by_lua_block', '--[[', ']]'];
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let n = 0; n < 500; n++) {
      let s = '';
      for (let i = 0; i < 60; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      expect(() => parseNginx(s, { template: n % 2 === 0 })).not.toThrow();
    }
  });

  it('survives very deep nesting', () => {
    const text = 'location / {'.repeat(20000) + '}'.repeat(20000);
    const r = parseNginx(text);
    expect(r.errors).toEqual([]);
  });
});
