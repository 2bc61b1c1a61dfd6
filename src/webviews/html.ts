/**
 * The HTML shell of every webview page. No `vscode` import (unit-tested in Node): the panel host passes the
 * webview's `cspSource` and the page's resource URIs.
 *
 * The shell carries no data at all — no robot, no token, no server string: everything arrives by message after the
 * page's `ready` (protocol.ts). The CSP allows nothing by default; scripts only with this load's nonce or from the
 * extension's own built folder, styles from that folder (component styles are constructed sheets), no remote
 * resources, no inline script or style attribute, no `eval`.
 */
export interface PageHtmlInput {
  /** `webview.cspSource`: the origin the webview serves local resources from. */
  readonly cspSource: string;
  /** `webview.asWebviewUri` of `webview-ui/dist/<page>.js` and `.css`. */
  readonly scriptUri: string;
  readonly styleUri: string;
  /** Fresh per render: 16 random bytes, base64. */
  readonly nonce: string;
  readonly title: string;
  /** `vscode.env.language`, for the `lang` attribute. */
  readonly language: string;
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function pageHtml(input: PageHtmlInput): string {
  const attr = escapeHtml;
  return `<!DOCTYPE html>
<html lang="${attr(input.language)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(input.title)}</title>
<link rel="stylesheet" nonce="${attr(input.nonce)}" href="${attr(input.styleUri)}">
<script type="module" nonce="${attr(input.nonce)}" src="${attr(input.scriptUri)}"></script>
</head>
<body>
<main id="app" aria-busy="true"></main>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
