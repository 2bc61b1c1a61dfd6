import type { Role } from '../../core/quay/types';

/** What each repository role allows, as the pickers explain it. */
export const ROLES_HELP: readonly { role: Role; help: string }[] = [
  { role: 'read', help: 'pull images — what clusters and pull-only pipelines need' },
  { role: 'write', help: 'pull and push images — CI that publishes' },
  { role: 'admin', help: 'push, pull and manage the repository and its permissions' },
];
