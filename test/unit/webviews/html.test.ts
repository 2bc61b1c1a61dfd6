import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentSecurityPolicy, pageHtml } from '../../../src/webviews/html';

const input = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/webview-ui/dist/robot.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/webview-ui/dist/robot.css',
  nonce: 'bm9uY2Vub25jZW5vbmNlMQ==',
  title: 'Robot <acme+ci> & "friends"',
  language: 'en',
};

void test('the CSP allows nothing by default, scripts by nonce or from the webview folder, never inline or eval', () => {
  const csp = contentSecurityPolicy(input.cspSource, input.nonce);
  const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
  assert.deepEqual(directives.get('default-src'), ["'none'"]);
  assert.deepEqual(directives.get('script-src'), [`'nonce-${input.nonce}'`, input.cspSource]);
  assert.deepEqual(directives.get('style-src'), [input.cspSource, `'nonce-${input.nonce}'`]);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*|https?:\/\/(?!file\+\.vscode-resource)/);
});

void test('the shell carries no data: one nonce-tagged module script and stylesheet, the title as text', () => {
  const html = pageHtml(input);
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.deepEqual(scripts, [`<script type="module" nonce="${input.nonce}" src="${input.scriptUri}">`]);
  assert.match(html, /<\/script>\n<\/head>/, 'the script element is empty: no inline code');
  assert.doesNotMatch(html, /\sstyle=|<style/, 'no inline style');
  assert.match(html, /<title>Robot &#60;acme\+ci&#62; &#38; &#34;friends&#34;<\/title>/);
  assert.match(html, /<main id="app" aria-busy="true"><\/main>/);
  const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1];
  assert.equal(csp?.replaceAll('&#39;', "'"), contentSecurityPolicy(input.cspSource, input.nonce));
});
