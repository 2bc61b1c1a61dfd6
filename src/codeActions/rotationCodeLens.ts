import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { Namespace } from '../core/quay/types';
import type { TokenAgeTracker } from '../core/rotation/tokenAgeTracker';
import { filePullSecrets } from '../core/yaml/facts';
import { RobotRef } from '../commands/pickers';
import type { ClientRegistry } from '../host/clientRegistry';
import { tokenAgeText } from '../views/tokenAgeText';
import type { ManifestService } from './manifestService';

class RobotLens extends vscode.CodeLens {
  constructor(
    range: vscode.Range,
    readonly instanceUrl: string,
    readonly namespace: Namespace,
    readonly robot: string,
  ) {
    super(range);
  }
}

/**
 * Above each pull Secret whose credentials are a robot of a configured instance:
 * "acme+k8s_prod_puller · token 132 days old · Rotate…". The age is resolved lazily (the namespace's robots and
 * their ages, shared with the tree and cached an hour).
 */
export class RotationCodeLens implements vscode.CodeLensProvider<RobotLens> {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(
    private readonly manifests: ManifestService,
    private readonly clients: ClientRegistry,
    private readonly tokenAges: TokenAgeTracker,
  ) {
    this.onDidChangeCodeLenses = manifests.onDidChangeSecrets;
  }

  provideCodeLenses(document: vscode.TextDocument): RobotLens[] {
    if (!this.manifests.isManifest(document)) return [];
    const lenses: RobotLens[] = [];
    for (const secret of filePullSecrets(this.manifests.parse(document))) {
      const seen = new Set<string>();
      for (const entry of secret.entries) {
        const user = entry.username;
        const plus = user?.indexOf('+') ?? -1;
        if (user === undefined || plus <= 0) continue;
        const instance = this.manifests.instanceForHost(entry.key.split('/')[0]?.toLowerCase() ?? '');
        if (instance === undefined || seen.has(user)) continue;
        seen.add(user);
        const at = document.positionAt(secret.range.start);
        // The robot's namespace is an organization unless it is the signed-in user's own (resolved below).
        lenses.push(new RobotLens(new vscode.Range(at, at), instance.url, { kind: 'org', name: user.slice(0, plus) }, user));
      }
    }
    return lenses;
  }

  async resolveCodeLens(lens: RobotLens): Promise<RobotLens> {
    const client = this.clients.get(lens.instanceUrl);
    let ns = lens.namespace;
    let title = `${lens.robot} · ${vscode.l10n.t('Rotate…')}`;
    try {
      const user = await client.getCurrentUser();
      if (user.username === ns.name) ns = { kind: 'user', name: ns.name };
      const robots = await client.listRobots(ns, { permissions: false, token: false });
      const robot = robots.find((r) => r.fullName === lens.robot);
      if (robot === undefined) {
        lens.command = { title: vscode.l10n.t('{0} · not found on {1}', lens.robot, new URL(lens.instanceUrl).host), command: '' };
        return lens;
      }
      const age = (await this.tokenAges.ages(lens.instanceUrl, ns, robots)).ages.get(robot.fullName);
      title = [lens.robot, age !== undefined ? tokenAgeText(age, new Date()) : '', vscode.l10n.t('Rotate…')].filter((s) => s !== '').join(' · ');
      lens.command = { title, command: Commands.rotateToken, arguments: [new RobotRef(lens.instanceUrl, ns, robot)] };
    } catch {
      // Without an answer from Quay the lens still offers the rotation (it asks for the robot itself then).
      lens.command = { title, command: Commands.rotateToken };
    }
    return lens;
  }
}
