/**
 * A small nginx configuration parser with exact positions.
 *
 * No npm package gives positions, correct quoting and Lua blocks together (see dependency-notes.md), and
 * nginx's grammar is tiny, so this is written by hand. It follows `ngx_conf_read_token`
 * (src/core/ngx_conf_file.c) closely:
 * - a token is a run of characters up to whitespace, `;` or `{`; `}` and `#` are only special at the start
 *   of a token (`a#b` and `a}b` are single words, like in nginx);
 * - `${` inside a word does not open a block (nginx's `variable` flag), so `${VAR}` placeholders of envsubst
 *   templates stay one word;
 * - `"..."` and `'...'` are quoted; `\"`, `\'`, `\\`, `\t`, `\r`, `\n` are unescaped, other backslashes kept;
 * - `*_by_lua_block { ... }` bodies are Lua: they are skipped with Lua's own string/comment rules, as
 *   lua-nginx-module does, instead of being tokenised as nginx;
 * - in template mode (Jinja/Go templates: `*.j2`, `*.tpl`, Helm values) `{{ ... }}` is a placeholder
 *   word and `{% ... %}` / `{# ... #}` are skipped like comments; in ERB templates (`*.erb`, Chef and Puppet)
 *   `<%= ... %>` is a placeholder and `<% ... %>` / `<%# ... %>` are skipped the same way.
 *
 * Errors never throw: they are collected with their position and parsing goes on (a missing `;` before a
 * line that starts with a known directive is split there when nginx rejects it too: the directive already has
 * all the arguments it takes, or a `{` follows; a directive that takes any number, like `try_files`, takes the
 * next line's words as arguments, as nginx does; an unterminated block ends at the end of file; a stray `}`
 * is ignored).
 */

export interface Arg {
  /** The value after unquoting and unescaping. */
  value: string;
  /** Offsets of the raw token in the file text, quotes included. */
  start: number;
  end: number;
  /** The quote character, or '' for a bare word. */
  quote: '' | '"' | "'";
  /** True when the word contains a template placeholder (`${VAR}`, `{{ var }}`). */
  placeholder: boolean;
}

export interface Directive {
  name: string;
  /** The name token. */
  nameStart: number;
  nameEnd: number;
  args: Arg[];
  /** Offset of the first character of the name and one past the terminating `;` or `}`. */
  start: number;
  end: number;
  /** Child directives when the directive has a `{ ... }` block. */
  block?: Directive[];
  /** Offset of `{` when there is a block. */
  blockStart?: number;
  /** True for `*_by_lua_block` and similar blocks whose body is not nginx syntax. */
  opaqueBody?: boolean;
  /** The file the directive comes from (root-relative path). Set by the caller. */
  file: string;
}

export interface ParseError {
  message: string;
  start: number;
  end: number;
}

export interface ParseResult {
  directives: Directive[];
  errors: ParseError[];
}

export interface ParseOptions {
  /** Treat `{{ ... }}` as a placeholder word and skip `{% ... %}` / `{# ... #}` (Jinja, Go templates). */
  template?: boolean;
  /** The root-relative path stored on every directive. */
  file?: string;
}

/**
 * The most arguments nginx accepts for directives whose count is fixed (NGX_CONF_TAKE1/12/2/23 in the modules'
 * command tables). A directive that already has them cannot take the next line's words: nginx rejects the
 * configuration there. Directives that take any number (`try_files`, `index`, `server_name`, `more_set_headers`)
 * are not listed: nginx reads the next line's words as more arguments and starts.
 */
const MAX_ARGS: ReadonlyMap<string, number> = new Map([
  ['add_header', 3],
  ['add_trailer', 3],
  ['proxy_pass', 1],
  ['proxy_set_header', 2],
  ['proxy_hide_header', 1],
  ['proxy_pass_header', 1],
  ['proxy_redirect', 2],
  ['proxy_http_version', 1],
  ['proxy_read_timeout', 1],
  ['fastcgi_pass', 1],
  ['uwsgi_pass', 1],
  ['grpc_pass', 1],
  ['return', 2],
  ['rewrite', 3],
  ['set', 2],
  ['root', 1],
  ['alias', 1],
  ['include', 1],
  ['expires', 2],
  ['default_type', 1],
  ['client_max_body_size', 1],
  ['gzip', 1],
  ['charset', 1],
  ['add_header_inherit', 1],
]);

/** Directives that open a block: a `{` after their words is expected. */
const BLOCK_NAMES: ReadonlySet<string> = new Set(['http', 'server', 'location', 'if', 'map', 'upstream', 'events', 'types', 'limit_except', 'geo', 'split_clients', 'match', 'stream', 'mail']);

/** Directives that appear at the start of a line often enough to recover from a missing `;`. */
const RECOVERY_NAMES: ReadonlySet<string> = new Set([
  'add_header',
  'add_trailer',
  'more_set_headers',
  'more_clear_headers',
  'proxy_pass',
  'proxy_set_header',
  'proxy_hide_header',
  'proxy_pass_header',
  'proxy_redirect',
  'proxy_http_version',
  'proxy_read_timeout',
  'fastcgi_pass',
  'uwsgi_pass',
  'grpc_pass',
  'return',
  'rewrite',
  'set',
  'root',
  'alias',
  'index',
  'try_files',
  'listen',
  'server_name',
  'include',
  'expires',
  'default_type',
  'access_log',
  'error_log',
  'error_page',
  'client_max_body_size',
  'gzip',
  'location',
  'if',
  'server',
  'map',
  'upstream',
  'add_header_inherit',
  'charset',
  'keepalive_timeout',
  'sendfile',
  'allow',
  'deny',
  'auth_basic',
  'limit_req',
]);

/** nginx unescapes `\\"`, `\\'`, `\\\\`, `\\t`, `\\r`, `\\n` in every word and keeps other backslashes. */
function unescapePair(n: string): string {
  return n === '"' || n === "'" || n === '\\' ? n : n === 't' ? '\t' : n === 'r' ? '\r' : n === 'n' ? '\n' : '\\' + n;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;

interface Token {
  kind: 'word' | ';' | '{' | '}';
  value: string;
  start: number;
  end: number;
  quote: '' | '"' | "'";
  placeholder: boolean;
  /** The token is the first one on its line. */
  lineStart: boolean;
}

class Tokenizer {
  pos = 0;
  /**
   * `{{ define "cors.template" }} add_header ...; {{ end }}` in a file whose server or location blocks include it
   * (audit 53 ngxk8s c09, cvisionai/tator): the definition is written where it is included, not where it stands, so
   * its body is skipped. A definition that holds the blocks itself (`{{ define "nginx.server" }} server { ... }`), and
   * the definitions of a file with no such block (a chart's _helpers.tpl of snippets), are read in place.
   */
  private skipDefinition(): void {
    const bodyStart = this.pos;
    this.skipElse('go');
    const body = this.text.slice(bodyStart, this.pos);
    const BLOCK = /(?:^|[\n;{}])\s*(?:server|location)\b[^;{}]*\{/;
    if (BLOCK.test(body) || !BLOCK.test(this.text)) this.pos = bodyStart;
  }

  /** Tokens that stand for a template action (see skip()), handed out before the text goes on. */
  private readonly synthetic: Token[] = [];
  private lastNewline = true;
  constructor(
    private readonly text: string,
    private readonly template: boolean,
    private readonly errors: ParseError[],
  ) {}

  /**
   * Where the Go-template action opening at `from` (`{{`) closes (the offset of its `}}`), or -1. Strings inside
   * the action (`{{ .Values.domain | replace "." "\\." }}`) and a comment action's text do not close it.
   */
  actionEnd(from: number): number {
    const t = this.text;
    let i = from + 2;
    if (/^-?\s*\/\*/.test(t.slice(i, i + 4))) {
      const close = t.indexOf('*/', t.indexOf('/*', i) + 2);
      if (close < 0) return -1;
      i = close + 2;
    }
    while (i < t.length) {
      const ch = t[i];
      if (ch === '}' && t[i + 1] === '}') return i;
      if (ch === '"' || ch === '`') {
        // A Go string or raw string inside the action.
        let j = i + 1;
        while (j < t.length && t[j] !== ch && t[j] !== '\n') j += ch === '"' && t[j] === '\\' ? 2 : 1;
        if (t[j] !== ch) return t.indexOf('}}', i);
        i = j + 1;
        continue;
      }
      i++;
    }
    return -1;
  }

  private aloneOnLine(): boolean {
    const t = this.text;
    const endAt = this.actionEnd(this.pos);
    if (endAt < 0) return false;
    const nl = t.indexOf('\n', this.pos);
    // A comment (`{{/* ... */}}`, as Helm's _helpers.tpl opens each definition with) may span lines.
    if (nl >= 0 && nl < endAt && !/^\{\{-?\s*\/\*/.test(t.slice(this.pos, this.pos + 8))) return false;
    const lineEnd = t.indexOf('\n', endAt);
    return t.slice(endAt + 2, lineEnd < 0 ? t.length : lineEnd).trim() === '';
  }

  /** An ERB tag that is the only thing on its line (it may not span lines). */
  private erbAloneOnLine(): boolean {
    const t = this.text;
    const endAt = this.erbEnd(this.pos);
    if (!this.lastNewline || endAt < 0) return false;
    const nl = t.indexOf('\n', this.pos);
    if (nl >= 0 && nl < endAt) return false;
    const lineEnd = t.indexOf('\n', endAt);
    return t.slice(endAt + 2, lineEnd < 0 ? t.length : lineEnd).trim() === '';
  }

  /**
   * Only the first branch of a template conditional is analysed: the `else`/`elif` branches are skipped up
   * to the matching end, so `{% if prod %}add_header A x;{% else %}add_header A y;{% endif %}` is not read
   * as two headers.
   */
  private skipElse(kind: 'go' | 'jinja'): void {
    const t = this.text;
    const re = kind === 'jinja' ? /\{%[-+]?\s*(if|for|endif|endfor)\b[^%]*%\}/g : /\{\{-?\s*(if|range|with|define|block|end)\b[^}]*\}\}/g;
    re.lastIndex = this.pos;
    let depth = 0;
    for (let m = re.exec(t); m; m = re.exec(t)) {
      const w = m[1] as string;
      if (w === 'end' || w === 'endif' || w === 'endfor') {
        if (depth === 0) {
          this.pos = m.index + m[0].length;
          return;
        }
        depth--;
      } else depth++;
    }
    this.pos = t.length;
  }

  /** Where the ERB tag opening at `from` (`<%`) closes (the offset of its `%>`), or -1. */
  private erbEnd(from: number): number {
    return this.text.indexOf('%>', from + 2);
  }

  /**
   * ERB's `<% else %>` / `<% elsif ... %>`: like skipElse, the other branches are skipped up to the `<% end %>` of
   * the conditional. Ruby opens blocks with if/unless/case/while/until/for/begin, `do |x|` and `{ |x|`.
   */
  private skipErbElse(): void {
    const t = this.text;
    const re = /<%(?![=%#])-?([\s\S]*?)-?%>/g;
    re.lastIndex = this.pos;
    let depth = 0;
    for (let m = re.exec(t); m; m = re.exec(t)) {
      const code = (m[1] ?? '').trim();
      if (/^(end|\})(?![\w?!])/.test(code)) {
        if (depth === 0) {
          this.pos = m.index + m[0].length;
          return;
        }
        depth--;
      } else if (/^(if|unless|case|while|until|for|begin)\b/.test(code) || /(\bdo|\{)\s*(\|[^|]*\|)?$/.test(code)) depth++;
    }
    this.pos = t.length;
  }

  /** Skips whitespace and comments; returns false at end of text. */
  private skip(): boolean {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c === 10) {
        this.lastNewline = true;
        this.pos++;
      } else if (isSpace(c)) {
        this.pos++;
      } else if (c === 35 /* # */) {
        while (this.pos < t.length && t.charCodeAt(this.pos) !== 10) this.pos++;
      } else if (c === 36 /* $ */ && t[this.pos + 1] === '{' && this.lastNewline && /^\$\{[A-Za-z_][A-Za-z0-9_]*\}[ \t\r]*(?:\n|$)/.test(t.slice(this.pos, this.pos + 200))) {
        // An envsubst placeholder alone on its line (`${SSL_CERT_LINE}`) stands for whole directives, or nothing,
        // filled in when the container starts: skipped like a comment (as a directive name it would swallow the
        // next block).
        while (this.pos < t.length && t.charCodeAt(this.pos) !== 10) this.pos++;
      } else if (this.template && c === 123 && t[this.pos + 1] === '{' && this.lastNewline && this.aloneOnLine()) {
        // A template statement alone on its line (`{{- if .Values.cors }}`, `{{ end }}`): skipped like a comment.
        const start = this.pos;
        const endAt = this.actionEnd(this.pos);
        const stmt = t.slice(this.pos + 2, endAt < 0 ? t.length : endAt);
        this.pos = endAt < 0 ? t.length : endAt + 2;
        if (/^-?\s*else\b/.test(stmt)) this.skipElse('go');
        else if (/^-?\s*define\b/.test(stmt)) this.skipDefinition();
        // `{{ include "cors.headers" . | nindent 4 }}`, `{{ template "x" . }}` alone on its line: directives that Helm
        // writes in, which the file does not show. Read as an include nginx cannot resolve, so the level they are in
        // is not fully known (as nothing, the location's own add_header looked like it dropped the server's).
        else if (/^-?\s*(include|template)\b/.test(stmt)) {
          const end = this.pos;
          this.synthetic.push(
            { kind: 'word', value: 'include', start, end: start, quote: '', placeholder: false, lineStart: true },
            { kind: 'word', value: t.slice(start, end), start, end, quote: '', placeholder: true, lineStart: false },
            { kind: ';', value: ';', start: end, end, quote: '', placeholder: false, lineStart: false },
          );
          return true;
        }
      } else if (this.template && c === 60 /* < */ && t[this.pos + 1] === '%' && t[this.pos + 2] !== '%' && (t[this.pos + 2] !== '=' || this.erbAloneOnLine())) {
        // An ERB statement or comment (`<% if @php %>`, `<%# note %>`, `<% end -%>`) never reaches nginx: skipped
        // like `{% %}`. An output tag (`<%= @extra %>`) alone on its line stands for whole directives, or nothing,
        // like `{{ }}` alone on its line.
        const endAt = this.erbEnd(this.pos);
        const stmt = t.slice(this.pos + 2, endAt < 0 ? t.length : endAt);
        this.pos = endAt < 0 ? t.length : endAt + 2;
        if (/^-?\s*(else|elsif)\b/.test(stmt)) this.skipErbElse();
      } else if (this.template && c === 123 /* { */ && (t[this.pos + 1] === '%' || t[this.pos + 1] === '#')) {
        const close = t[this.pos + 1] === '%' ? '%}' : '#}';
        const endAt = t.indexOf(close, this.pos + 2);
        const stmt = t.slice(this.pos + 2, endAt < 0 ? t.length : endAt);
        this.pos = endAt < 0 ? t.length : endAt + 2;
        if (close === '%}' && /^[-+]?\s*(else|elif)\b/.test(stmt)) this.skipElse('jinja');
      } else {
        return true;
      }
    }
    return false;
  }

  next(): Token | undefined {
    if (this.synthetic.length === 0 && !this.skip()) return undefined;
    const made = this.synthetic.shift();
    if (made) {
      this.lastNewline = false;
      return made;
    }
    const t = this.text;
    const start = this.pos;
    const lineStart = this.lastNewline;
    this.lastNewline = false;
    const c = t[start];
    if (c === ';' || c === '{' || c === '}') {
      if (c === '{' && this.template && t[start + 1] === '{') return this.word(start, lineStart);
      this.pos++;
      return { kind: c, value: c, start, end: start + 1, quote: '', placeholder: false, lineStart };
    }
    if (c === '"' || c === "'") return this.quoted(start, c, lineStart);
    return this.word(start, lineStart);
  }

  private quoted(start: number, q: '"' | "'", lineStart: boolean): Token {
    const t = this.text;
    let i = start + 1;
    let value = '';
    let placeholder = false;
    for (;;) {
      if (i >= t.length) {
        this.errors.push({ message: `unterminated ${q === '"' ? 'double' : 'single'}-quoted string`, start, end: Math.min(start + 1, t.length) });
        break;
      }
      const ch = t[i] as string;
      if (ch === '\\' && i + 1 < t.length) {
        value += unescapePair(t[i + 1] as string);
        i += 2;
        continue;
      }
      if (ch === q) {
        i++;
        break;
      }
      if (ch === '$' && t[i + 1] === '{') placeholder = true;
      if (this.template && ch === '<' && t[i + 1] === '%') {
        // An ERB tag inside the string (`"<%= @origin %>"`): rendered before nginx reads it, quotes included.
        const endAt = this.erbEnd(i);
        if (endAt >= 0) {
          placeholder = true;
          value += t.slice(i, endAt + 2);
          i = endAt + 2;
          continue;
        }
      }
      if (this.template && ch === '{' && t[i + 1] === '{') {
        // A template action inside the string is rendered before nginx reads it: its own quotes do not end the string.
        const endAt = this.actionEnd(i);
        if (endAt >= 0) {
          placeholder = true;
          value += t.slice(i, endAt + 2);
          i = endAt + 2;
          continue;
        }
        placeholder = true;
      }
      value += ch;
      i++;
    }
    this.pos = i;
    // nginx requires a separator after a quoted string ("unexpected ..." otherwise).
    if (i < t.length) {
      const after = t.charCodeAt(i);
      // `)` is allowed too, for `if ($x ~ "re")` (ngx_conf_read_token's need_space case).
      if (!isSpace(after) && after !== 59 && after !== 123 && after !== 41) {
        this.errors.push({ message: `unexpected "${t[i]}" after a quoted string (nginx needs a space, ";" or "{" here)`, start: i, end: i + 1 });
      }
    }
    return { kind: 'word', value, start, end: i, quote: q, placeholder, lineStart };
  }

  private word(start: number, lineStart: boolean): Token {
    const t = this.text;
    // Fast path: plain characters up to a separator (no escapes, variables or template braces).
    let j = start;
    while (j < t.length) {
      const c = t.charCodeAt(j);
      if (isSpace(c) || c === 59 || c === 123 || c === 92 || c === 36 || (c === 60 && this.template)) break;
      j++;
    }
    const stopCode = t.charCodeAt(j);
    if (j >= t.length || isSpace(stopCode) || stopCode === 59 || (stopCode === 123 && !(this.template && t[j + 1] === '{'))) {
      if (j > start) {
        this.pos = j;
        return { kind: 'word', value: t.slice(start, j), start, end: j, quote: '', placeholder: false, lineStart };
      }
    }
    let i = start;
    let value = '';
    let placeholder = false;
    let variable = false;
    while (i < t.length) {
      const ch = t[i] as string;
      const code = t.charCodeAt(i);
      // A template action (`{{ .Values.origin }}`) or an ERB tag (`<%= node[:fqdn] %>.pem`): one placeholder in the
      // word, spaces and all.
      const tagEnd = !this.template ? undefined : ch === '{' && t[i + 1] === '{' ? this.actionEnd(i) : ch === '<' && t[i + 1] === '%' ? this.erbEnd(i) : undefined;
      if (tagEnd !== undefined) {
        const stop = tagEnd < 0 ? t.length : tagEnd + 2;
        value += t.slice(i, stop);
        placeholder = true;
        i = stop;
        variable = false;
        continue;
      }
      if (ch === '{' && variable) {
        // `${name}`: nginx keeps it in the word.
        const endAt = t.indexOf('}', i);
        const stop = endAt < 0 || t.slice(i, endAt).search(/[\s;]/) >= 0 ? i + 1 : endAt + 1;
        value += t.slice(i, stop);
        placeholder = true;
        i = stop;
        variable = false;
        continue;
      }
      variable = false;
      if (ch === '\\' && i + 1 < t.length) {
        value += unescapePair(t[i + 1] as string);
        i += 2;
        continue;
      }
      if (ch === '$') variable = true;
      if (isSpace(code) || ch === ';' || ch === '{') break;
      value += ch;
      i++;
    }
    this.pos = i;
    return { kind: 'word', value, start, end: i, quote: '', placeholder, lineStart };
  }

  /**
   * Skips a Lua block body starting after its `{`; returns the offset just after the matching `}` (or the
   * end of text). Handles Lua strings, long brackets and comments, so braces inside them do not count.
   */
  skipLua(from: number): { end: number; closed: boolean } {
    const t = this.text;
    let depth = 1;
    let i = from;
    const longBracket = (at: number): number => {
      // returns the level of `[==[` at `at`, or -1
      if (t[at] !== '[') return -1;
      let j = at + 1;
      while (t[j] === '=') j++;
      return t[j] === '[' ? j - at - 1 : -1;
    };
    const skipLong = (at: number, level: number): number => {
      const close = ']' + '='.repeat(level) + ']';
      const endAt = t.indexOf(close, at + level + 2);
      return endAt < 0 ? t.length : endAt + close.length;
    };
    while (i < t.length) {
      const ch = t[i];
      if (ch === '-' && t[i + 1] === '-') {
        const lvl = longBracket(i + 2);
        if (lvl >= 0) i = skipLong(i + 2, lvl);
        else {
          while (i < t.length && t[i] !== '\n') i++;
        }
        continue;
      }
      if (ch === '"' || ch === "'") {
        i++;
        while (i < t.length && t[i] !== ch && t[i] !== '\n') i += t[i] === '\\' ? 2 : 1;
        i++;
        continue;
      }
      if (ch === '[') {
        const lvl = longBracket(i);
        if (lvl >= 0) {
          i = skipLong(i, lvl);
          continue;
        }
      }
      if (ch === '{') depth++;
      else if (ch === '}') {
        depth--;
        if (depth === 0) {
          this.pos = i + 1;
          return { end: i + 1, closed: true };
        }
      }
      i++;
    }
    this.pos = t.length;
    return { end: t.length, closed: false };
  }
}

/** Blocks nginx reads with a custom handler (cf->handler): their entries are words, and a block start is an error. */
const CUSTOM_HANDLER_BLOCKS: ReadonlySet<string> = new Set(['map', 'geo', 'types', 'split_clients', 'charset_map']);

/** Parses nginx configuration text. Never throws. */
export function parseNginx(text: string, options: ParseOptions = {}): ParseResult {
  const errors: ParseError[] = [];
  const file = options.file ?? '';
  const tz = new Tokenizer(text, options.template === true, errors);
  let pending: Token | undefined;
  const nextToken = (): Token | undefined => {
    if (pending) {
      const p = pending;
      pending = undefined;
      return p;
    }
    return tz.next();
  };

  // Iterative parse with an explicit stack, so deeply nested input cannot overflow the call stack.
  interface Frame {
    list: Directive[];
    owner?: Directive;
  }
  const root: Directive[] = [];
  const stack: Frame[] = [{ list: root }];
  let words: Token[] = [];
  // Where a known directive name started a new line inside a directive that may take more arguments: nginx
  // reads it as arguments, unless a `{` follows (then the `;` was forgotten and nginx rejects the file).
  let splitAt: number | undefined;
  // nginx stops at the first `{NAME}` placeholder (see the `{` case): later ones are not reported again.
  let bracePlaceholderReported = false;

  /** Ends the directive before `splitAt` with a missing-`;` error; the words from there start the next one. */
  const splitPending = (): void => {
    const tail = words.slice(splitAt);
    words = words.slice(0, splitAt);
    const prev = words[words.length - 1] as Token;
    errors.push({ message: `missing ";" after "${(words[0] as Token).value}" directive`, start: prev.end, end: prev.end });
    finish(prev.end);
    words = tail;
  };

  const finish = (end: number, block?: { at: number }): Directive | undefined => {
    splitAt = undefined;
    if (words.length === 0) return undefined;
    const [nameTok, ...rest] = words as [Token, ...Token[]];
    const d: Directive = {
      name: nameTok.value,
      nameStart: nameTok.start,
      nameEnd: nameTok.end,
      args: rest.map((w) => ({ value: w.value, start: w.start, end: w.end, quote: w.quote, placeholder: w.placeholder })),
      start: nameTok.start,
      end,
      file,
    };
    if (block) d.blockStart = block.at;
    (stack[stack.length - 1] as Frame).list.push(d);
    words = [];
    return d;
  };

  for (;;) {
    const tok = nextToken();
    if (!tok) break;
    if (tok.kind === 'word') {
      // Recovery for a missing `;`: a known directive name at the start of a new line, after a directive
      // that already has arguments, most likely starts a new directive.
      if (words.length >= 2 && tok.lineStart && tok.quote === '' && RECOVERY_NAMES.has(tok.value)) {
        // A first word that is no directive name (a comment without `#`, `// note`) makes nginx reject the line
        // whatever follows: recover at once, as for a directive that has all its arguments.
        const name = (words[0] as Token).value;
        const max = /^[a-z_][a-z0-9_]*$/i.test(name) ? MAX_ARGS.get(name.toLowerCase()) : 0;
        if (max !== undefined && words.length - 1 >= max) {
          const prev = words[words.length - 1] as Token;
          errors.push({ message: `missing ";" after "${(words[0] as Token).value}" directive`, start: prev.end, end: prev.end });
          finish(prev.end);
        } else splitAt ??= words.length;
      }
      words.push(tok);
      continue;
    }
    if (tok.kind === ';') {
      // `add_header A b` then `add_header C d;`: more arguments than the directive takes, so nginx rejects it.
      const max = words.length ? MAX_ARGS.get((words[0] as Token).value.toLowerCase()) : undefined;
      if (splitAt !== undefined && max !== undefined && words.length - 1 > max) splitPending();
      if (words.length === 0) {
        errors.push({ message: 'unexpected ";"', start: tok.start, end: tok.end });
        continue;
      }
      finish(tok.end);
      continue;
    }
    if (tok.kind === '{') {
      // Inside `map`, `geo`, `types`... (blocks nginx reads with a custom handler) a `{` is an error: nginx ends a word
      // at `{` and rejects the block start with `unexpected "{"` there (audit 33 peer c26, checked with nginx -t: an
      // unquoted map regex `~^https://...(?::[0-9]{1,5})?$`). Reported where nginx does; a `{` glued to the word
      // before it is read back into that word (the regex quantifier meant), so the rest of the block parses as meant.
      const owner = (stack[stack.length - 1] as Frame).owner;
      if (owner && CUSTOM_HANDLER_BLOCKS.has(owner.name.toLowerCase())) {
        errors.push({ message: `unexpected "{" in the "${owner.name}" block: nginx ends a word at "{" (quote a value that contains one, such as a regex with {1,5})`, start: tok.start, end: tok.end });
        const last = words[words.length - 1];
        if (last && last.end === tok.start) {
          const after = nextToken();
          if (after && after.kind === 'word' && after.quote === '' && after.start === tok.end) {
            last.value += '{' + after.value;
            last.end = after.end;
            last.placeholder ||= after.placeholder;
          } else {
            last.value += '{';
            last.end = tok.end;
            pending = after;
          }
          continue;
        }
      }
      // `server_name {MEDIA_DOMAIN};`: a `{NAME}` placeholder that a deploy script fills in. nginx ends the word at `{`
      // and, the directive taking no block, stops with `directive "server_name" is not terminated by ";"` there
      // (audit 36 nginx D5, Couchers; checked with nginx -t). That error is reported once, where nginx does; the
      // placeholder is read back into one word (unknown), so the rest of the file does not cascade into unclosed blocks.
      const opener = words.length ? (words[0] as Token).value.toLowerCase() : '';
      const placeholderName =
        opener !== '' && splitAt === undefined && !BLOCK_NAMES.has(opener) && !CUSTOM_HANDLER_BLOCKS.has(opener) && !/(^|_by_)lua_block$/.test(opener) && /^[A-Za-z_][A-Za-z0-9_]*\}/.test(text.slice(tok.end, tok.end + 200));
      const glued = placeholderName ? nextToken() : undefined;
      if (
        glued?.kind === 'word' &&
        glued.quote === '' &&
        glued.start === tok.end &&
        /^[A-Za-z_][A-Za-z0-9_]*\}/.test(glued.value)
      ) {
        if (!bracePlaceholderReported) {
          bracePlaceholderReported = true;
          const name = (words[0] as Token).value;
          const shown = /^[^\s;{]*/.exec(glued.value)?.[0] ?? '';
          errors.push({ message: `directive "${name}" is not terminated by ";" (nginx reads "{" as a block start: the "{${shown.split('}')[0]}}" placeholder must be filled in before nginx reads the file)`, start: tok.start, end: tok.end });
        }
        const last = words[words.length - 1] as Token;
        if (words.length > 1 && last.end === tok.start) {
          last.value += '{' + glued.value;
          last.end = glued.end;
          last.placeholder = true;
        } else words.push({ ...glued, value: '{' + glued.value, start: tok.start, placeholder: true, lineStart: false });
        continue;
      }
      if (glued) pending = glued;
      // `index index.html` then `location / {` on the next line: the `;` was forgotten before the block.
      if (splitAt !== undefined && !BLOCK_NAMES.has((words[0] as Token).value.toLowerCase())) splitPending();
      if (words.length === 0) {
        errors.push({ message: 'unexpected "{" (a block needs a directive name)', start: tok.start, end: tok.end });
        // Parse the block anyway, as an anonymous directive, so its content is still checked.
        words = [{ kind: 'word', value: '', start: tok.start, end: tok.start, quote: '', placeholder: false, lineStart: false }];
      }
      const d = finish(tok.end, { at: tok.start }) as Directive;
      d.block = [];
      if (/_by_lua_block$/.test(d.name) || d.name === 'lua_block') {
        d.opaqueBody = true;
        const r = tz.skipLua(tok.end);
        d.end = r.end;
        if (!r.closed) errors.push({ message: `unterminated "${d.name}" block (no matching "}")`, start: tok.start, end: tok.end });
        continue;
      }
      stack.push({ list: d.block, owner: d });
      continue;
    }
    // '}'
    if (words.length) {
      const last = words[words.length - 1] as Token;
      errors.push({ message: `missing ";" after "${(words[0] as Token).value}" directive`, start: last.end, end: last.end });
      finish(last.end);
    }
    if (stack.length === 1) {
      errors.push({ message: 'unexpected "}"', start: tok.start, end: tok.end });
      continue;
    }
    const frame = stack.pop() as Frame;
    if (frame.owner) frame.owner.end = tok.end;
  }
  if (words.length) {
    const last = words[words.length - 1] as Token;
    errors.push({ message: `unexpected end of file, expecting ";" or "}" after "${(words[0] as Token).value}"`, start: last.end, end: last.end });
    finish(last.end);
  }
  while (stack.length > 1) {
    const frame = stack.pop() as Frame;
    const owner = frame.owner as Directive;
    owner.end = text.length;
    errors.push({
      message: `unexpected end of file: the "${owner.name}" block opened here is not closed with "}"`,
      start: owner.blockStart ?? owner.start,
      end: (owner.blockStart ?? owner.start) + 1,
    });
  }
  return { directives: root, errors };
}

/** True when a file name or text looks like a Jinja/Go/Helm template rather than plain nginx. */
export function isTemplateText(path: string, text: string): boolean {
  if (/\.(j2|jinja2?|tpl|tmpl|gotmpl|erb|hbs|mustache)$/i.test(path)) return true;
  return /\{\{[\s\S]{0,200}?\}\}|\{%[\s\S]{0,200}?%\}/.test(text);
}
