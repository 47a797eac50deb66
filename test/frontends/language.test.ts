/** The comment scanners behind ESLint directives in Python and nginx files. */
import { describe, expect, it } from 'vitest';
import { nginxComments, parseDocument, pythonComments } from '../../src/frontends/eslint/language.js';

const texts = (text: string, spans: [number, number][]) => spans.map(([s, e]) => text.slice(s, e));

describe('nginx comments', () => {
  it('start only where a token starts and never inside quotes (checked against nginx 1.22: `add_header X-A a#b;` sends "a#b")', () => {
    const conf = 'add_header X-A a#b;\nadd_header X-B "c # d";\nadd_header X-C e; # trailing\n# whole line\nlocation /{#x\n}\n';
    expect(texts(conf, nginxComments(conf))).toEqual(['# trailing', '# whole line', '#x']);
  });
  it('survive unterminated quotes and empty input', () => {
    expect(nginxComments('add_header X "open # \n')).toEqual([]);
    expect(nginxComments('')).toEqual([]);
  });
});

describe('Python comments', () => {
  it('skip strings of every kind', () => {
    const py = [
      "a = '# no'  # yes 1",
      'b = "# no" "\\"# no"',
      's = """',
      '# no (in a triple-quoted string)',
      '"""  # yes 2',
      "r = rb'\\'# no'",
      "f = f'{x}# no'  # yes 3",
      '# yes 4',
    ].join('\n');
    expect(texts(py, pythonComments(py))).toEqual(['# yes 1', '# yes 2', '# yes 3', '# yes 4']);
  });
  it('stop an unterminated single-quoted string at the end of its line', () => {
    const py = "x = 'open\n# yes\n";
    expect(texts(py, pythonComments(py))).toEqual(['# yes']);
  });
});

describe('the document', () => {
  it('has 1-based positions and CRLF-aware lines', () => {
    const doc = parseDocument('x = 1\r\n  # c\r\n', 'python');
    expect(doc.comments).toEqual([{ type: 'Comment', value: ' c', range: [9, 12], loc: { start: { line: 2, column: 3 }, end: { line: 2, column: 6 } } }]);
    expect(doc.loc).toEqual({ start: { line: 1, column: 1 }, end: { line: 3, column: 1 } });
  });
});
