/** A small hand-written review of `acme` for the page model and protocol tests (not produced by the checks). */
import type { Finding } from '../../../src/core/hygiene/types';

export const FINDINGS: Finding[] = [
  {
    check: 'pull-secret-can-write',
    severity: 'error',
    host: 'quay.example.com',
    namespace: 'acme',
    robot: 'acme+deployer',
    message: 'acme+deployer is used for pulling but holds write on 2 repositories.',
    evidence: {
      repositories: [
        { repository: 'backend', role: 'write' },
        { repository: 'frontend', role: 'admin' },
      ],
      files: [{ path: '/work/k8s/deploy.yaml', line: 12, column: 9, encoding: 'imagePullSecrets' }],
    },
    fix: { kind: 'downgrade-to-read', label: 'Downgrade its grants to read.' },
  },
  {
    check: 'write-never-pushed',
    severity: 'warning',
    host: 'quay.example.com',
    namespace: 'acme',
    robot: 'acme+builder',
    message: 'acme+builder holds write but pushed nothing in 90 days.',
    evidence: {
      repositories: [{ repository: 'backend', role: 'write' }],
      logs: { from: '2026-09-08', to: '2026-12-06', counts: { push_repo: 0, pull_repo: 4 }, notExamined: 'Days before 2026-09-08 are beyond Quay’s range.' },
    },
    fix: { kind: 'downgrade-to-read', label: 'Downgrade to read.' },
  },
  {
    check: 'unused-robot',
    severity: 'warning',
    namespace: 'acme',
    robot: 'acme+old',
    message: 'acme+old was never used.',
    evidence: {},
    fix: { kind: 'delete-robot', label: 'Delete the robot.' },
  },
  {
    check: 'non-descriptive-name',
    severity: 'info',
    namespace: 'acme',
    robot: 'acme+bot',
    message: 'acme+bot says nothing of where it is used.',
    evidence: {},
  },
  {
    check: 'token-overdue',
    severity: 'warning',
    namespace: 'acme',
    robot: 'acme+builder',
    message: 'The token of acme+builder is at least 120 days old.',
    evidence: { tokenAgeDays: 120, tokenAgeBounded: true },
    fix: { kind: 'rotate', label: 'Rotate the token.' },
  },
];
