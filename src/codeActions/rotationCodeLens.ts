import * as vscode from 'vscode';
import { Commands } from '../constants';
import { TtlPromiseCache } from '../core/cache';
import { hostOf } from '../core/instances';
import { splitRobotName } from '../core/robotName';
import type { Namespace, Robot } from '../core/quay/types';
import type { TokenAgeTracker } from '../core/rotation/tokenAgeTracker';
import { filePullSecrets } from '../core/yaml/facts';
import { RobotRef } from '../refs';
import type { ClientRegistry } from '../host/clientRegistry';
import { tokenAgeText } from '../views/tokenAgeText';
import type { ManifestService } from './manifestService';

/** How long a namespace's robot list serves the lenses. */
const LIST_TTL_MS = 60_000;

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
  /**
   * The robots of a namespace (and whether it is the user's own), a minute per instance and namespace: VS Code
   * resolves the lenses again after every edit, which must not cost two requests each time.
   */
  private readonly robotLists = new TtlPromiseCache<string, { ns: Namespace; robots: readonly Robot[] }>(LIST_TTL_MS);

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
        const namespace = user === undefined ? '' : splitRobotName(user).namespace;
        if (user === undefined || namespace === '') continue;
        const instance = this.manifests.instanceForHost(entry.key.split('/')[0]?.toLowerCase() ?? '');
        if (instance === undefined || seen.has(user)) continue;
        seen.add(user);
        const at = document.positionAt(secret.range.start);
        // The robot's namespace is an organization unless it is the signed-in user's own (resolved below).
        lenses.push(new RobotLens(new vscode.Range(at, at), instance.url, { kind: 'org', name: namespace }, user));
      }
    }
    return lenses;
  }

  private robotsOf(instanceUrl: string, org: Namespace): Promise<{ ns: Namespace; robots: readonly Robot[] }> {
    return this.robotLists.get(`${instanceUrl}\n${org.name}`, async () => {
      const client = this.clients.get(instanceUrl);
      const user = await client.getCurrentUser();
      const ns: Namespace = user.username === org.name ? { kind: 'user', name: org.name } : org;
      return { ns, robots: await client.listRobots(ns, { permissions: false, token: false }) };
    });
  }

  async resolveCodeLens(lens: RobotLens): Promise<RobotLens> {
    let title = `${lens.robot} · ${vscode.l10n.t('Rotate…')}`;
    try {
      const { ns, robots } = await this.robotsOf(lens.instanceUrl, lens.namespace);
      const robot = robots.find((r) => r.fullName === lens.robot);
      if (robot === undefined) {
        lens.command = { title: vscode.l10n.t('{0} · not found on {1}', lens.robot, hostOf(lens.instanceUrl)), command: '' };
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
