/**
 * How a workload uses a trusted entry (contract §6): a POSIX shell script that gets an OIDC token, exchanges it
 * at Quay (`GET /oauth2/federation/robot/token`, contract §6.2) and logs in with `--password-stdin`, and for
 * GitHub Actions a workflow job fragment. No token is ever on a command line: curl reads the robot name and the
 * OIDC token from its standard input (`-K -`), and `printf` is a shell builtin.
 *
 * The entry's subject and issuer are the server's text (Quay stores any non-empty string, newlines included):
 * they appear only in comments, one line each with control characters visibly escaped, after a warning line;
 * they are never a shell word. The robot name goes through `shellQuoteAlways` (single quotes, as Quay's UI) / `yamlScalar`.
 */
import type { FederationEntry } from '../quay/types';
import { yamlScalar } from '../k8s/blockYaml';
import { hostOf } from '../instances';
import { hasControlChars, visibleText } from '../serverText';
import { shellQuote, shellQuoteAlways } from '../shell';
import { GITHUB_ACTIONS_ISSUER, serviceAccountOf } from './presets';

export interface KeylessLoginTarget {
  /** The instance's origin, e.g. `https://quay.example.com`. */
  readonly origin: string;
  /** The robot's full name, `namespace+name`. */
  readonly robot: string;
}

export type LoginSnippet = { readonly kind: 'shell' | 'githubWorkflow'; readonly text: string };

/** A warning comment for an entry whose subject or issuer holds control characters (shown escaped after it). */
function controlWarning(entry: FederationEntry): string[] {
  return hasControlChars(entry.subject) || hasControlChars(entry.issuer)
    ? ['# WARNING: this trust entry contains control characters (shown escaped, e.g. \\n): no real token has such a subject. Check who set it.']
    : [];
}

/** Where the entry's tokens come from, as the shell line that puts one into `$OIDC_TOKEN`. */
function tokenSource(entry: FederationEntry, audience: string): string[] {
  const subject = visibleText(entry.subject);
  const sa = serviceAccountOf(entry.subject);
  if (sa !== undefined) {
    return [
      `# A token of the service account ${sa.name} in ${sa.namespace} (kubectl 1.24+; inside a pod, read its projected token file instead).`,
      `OIDC_TOKEN=$(kubectl create token ${shellQuote(sa.name)} -n ${shellQuote(sa.namespace)} --audience ${shellQuote(audience)})`,
    ];
  }
  if (entry.subject.startsWith('project_path:')) {
    return ['# GitLab CI: declare the token in .gitlab-ci.yml (id_tokens: QUAY_ID_TOKEN: aud: …).', 'OIDC_TOKEN="$QUAY_ID_TOKEN"'];
  }
  if (entry.subject.startsWith('spiffe://')) {
    return [`# A JWT-SVID for ${subject} with the audience ${audience}, e.g. written by spiffe-helper or spire-agent api fetch jwt.`, 'OIDC_TOKEN=$(cat "$JWT_SVID_FILE")'];
  }
  return [`# An OIDC token of ${visibleText(entry.issuer)} whose sub is ${subject}.`, 'OIDC_TOKEN=$(cat "$OIDC_TOKEN_FILE")'];
}

function exchangeLines(target: KeylessLoginTarget, tokenVar: string, robotExpr: string): string[] {
  return [
    `QUAY_TOKEN=$(printf 'user = "%s:%s"\\n' ${robotExpr} "$${tokenVar}" | curl -fsS -K - ${shellQuote(`${target.origin}/oauth2/federation/robot/token`)} | jq -r .token)`,
  ];
}

/**
 * The audience to request the workload's token for: the entry's first audience where Quay returned some (Quay 3.18
 * then checks `aud`), else the Quay host (not checked). A server string goes into a script only when it is made of
 * URL and name characters: anything else falls back to the host.
 */
function tokenAudience(entry: FederationEntry, host: string): string {
  return entry.audiences?.find((a) => /^[A-Za-z0-9._~:/@-]{1,256}$/.test(a)) ?? host;
}

/** The login for the entry's kind of workload. */
export function keylessLoginSnippet(target: KeylessLoginTarget, entry: FederationEntry): LoginSnippet {
  const host = hostOf(target.origin);
  const audience = tokenAudience(entry, host);
  const tlsFlag = target.origin.startsWith('http://') ? ' --tls-verify=false' : '';
  if (entry.issuer.replace(/\/+$/, '') === GITHUB_ACTIONS_ISSUER) {
    return {
      kind: 'githubWorkflow',
      text: [
        ...controlWarning(entry),
        `# Job fragment for a workflow whose runs have the subject ${visibleText(entry.subject)}.`,
        '# Listing permissions replaces the defaults: keep the ones your job needs beside id-token: write.',
        'permissions:',
        '  id-token: write',
        '  contents: read',
        'steps:',
        '  - name: Log in to Quay with a keyless robot',
        '    env:',
        `      QUAY_ROBOT: ${yamlScalar(target.robot)}`,
        '    run: |',
        `      OIDC_TOKEN=$(curl -fsS -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=${audience}" | jq -r .value)`,
        '      echo "::add-mask::$OIDC_TOKEN"',
        ...exchangeLines(target, 'OIDC_TOKEN', '"$QUAY_ROBOT"').map((l) => `      ${l}`),
        '      echo "::add-mask::$QUAY_TOKEN"',
        `      printf '%s' "$QUAY_TOKEN" | docker login --username "$QUAY_ROBOT" --password-stdin ${host}`,
        '',
      ].join('\n'),
    };
  }
  return {
    kind: 'shell',
    text: [
      ...controlWarning(entry),
      ...tokenSource(entry, audience),
      '# Exchange it at Quay for a registry password valid one hour, then log in.',
      ...exchangeLines(target, 'OIDC_TOKEN', shellQuoteAlways(target.robot)),
      `printf '%s' "$QUAY_TOKEN" | podman login${tlsFlag} --username ${shellQuoteAlways(target.robot)} --password-stdin ${shellQuote(host)}`,
      '',
    ].join('\n'),
  };
}
