/**
 * Server text in hovers and tooltips renders as itself. Rendered with a real CommonMark renderer (markdown-it,
 * with GFM-style autolinks on as VS Code's marked has them), not compared with an expected escaping.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { escapeMarkdown, markdownCode } from '../../src/core/markdown';

interface MarkdownIt {
  renderInline(src: string): string;
  render(src: string): string;
}
// A development dependency of @vscode/vsce (the packaging tool); it has no type declarations of its own.
const markdownIt = createRequire(__filename)('markdown-it') as (options: { linkify: boolean; html: boolean }) => MarkdownIt;
const md = markdownIt({ linkify: true, html: true });

/** The text of rendered HTML (the tags this test allows removed, entities decoded). */
function textOf(html: string): string {
  return html
    .replace(/<\/?(?:p|strong|code)>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#36;/g, '$')
    .replace(/&amp;/g, '&')
    .trim();
}

const HOSTILE = [
  'acme+bot`](javascript:alert(1)) <img src=x onerror=alert(1)>',
  '*em* _u_ **b** ~~s~~ [link](https://evil.example) <https://evil.example> https://evil.example www.evil.example',
  '# heading\n- item\n> quote\n1. one\n\n---\n<div>block</div>',
  'role`` ` ```x',
  '$(bug) $(zap~spin) \\$(escaped) &amp; &#96; &lt;',
  '`starts and ends with a backtick`',
  '  spaces  ',
];

void test('escapeMarkdown: names, roles and descriptions render as their own text, with no markup at all', () => {
  for (const s of HOSTILE) {
    const html = md.render(`**${escapeMarkdown('Robot')}** ${escapeMarkdown(s)}`);
    assert.doesNotMatch(html, /<(?!\/?(?:p|strong)>)/, `only the paragraph and our bold: ${html}`);
    assert.equal(textOf(html).replace(/\s+/g, ' '), `Robot ${s}`.replace(/\s+/g, ' ').trim(), html);
    // VS Code turns `$(name)` in the rendered HTML into a theme icon. Its marked keeps entity references as they
    // are (`escape(text)` without `encode` leaves `&#36;`), and the browser decodes them only afterwards; so the
    // Markdown itself must hold no `$(` (markdown-it, here, decodes the entity early).
    assert.doesNotMatch(escapeMarkdown(s), /\$\(/);
  }
});

void test('markdownCode: an issuer or subject is one code span showing the text, whatever backticks it holds', () => {
  for (const s of [...HOSTILE, 'https://token.actions.githubusercontent.com', 'repo:acme/app:ref:refs/heads/main', 'system:serviceaccount:ns:sa']) {
    const html = md.renderInline(`Issuer: ${markdownCode(s)} and after`);
    assert.equal(html.match(/<code>/g)?.length, 1, html);
    assert.ok(html.endsWith('</code> and after'), `the span closes where it should: ${html}`);
    assert.doesNotMatch(html, /<(?!\/?code>)/, html);
    const inside = /<code>([\s\S]*)<\/code>/.exec(html)?.[1] ?? '';
    assert.equal(textOf(inside), s.replace(/[\r\n]+/g, ' ').trim(), html);
  }
});
