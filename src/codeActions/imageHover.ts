import * as vscode from 'vscode';
import { Commands } from '../constants';
import { splitRobotName } from '../core/robotName';
import { parseImageReference } from '../core/k8s/imageReference';
import { documentFacts } from '../core/yaml/facts';
import { nodeIds } from '../views/nodeIds';
import { escapeMarkdown } from '../core/markdown';
import { webUrls } from '../views/webUrls';
import type { ManifestService } from './manifestService';
import type { RepositoryAccess } from '../core/repositoryAccess';

function commandLink(title: string, command: string, args: unknown): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify([args]))})`;
}

/**
 * Hover on an `image:` on a configured Quay host: the repository, its visibility, and the robots that can pull
 * it (direct and team grants, with the role), each linking to its row in the Quay view.
 */
export class ImageHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly manifests: ManifestService,
    private readonly access: RepositoryAccess,
  ) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!this.manifests.isManifest(document)) return undefined;
    const offset = document.offsetAt(position);
    const image = documentFacts(this.manifests.parse(document))
      .flatMap((f) => f.workloads.flatMap((w) => w.images))
      .find((i) => i.range.start <= offset && offset <= i.range.end);
    const ref = image === undefined ? undefined : parseImageReference(image.image);
    const instance = ref === undefined ? undefined : this.manifests.instanceForHost(ref.host);
    if (image === undefined || ref === undefined || instance === undefined) return undefined;
    const repo = { namespace: ref.namespace, name: ref.repository };
    const full = `${ref.namespace}/${ref.repository}`;
    const facts = await this.access.facts(instance, repo);
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [Commands.revealInTree] };
    md.appendMarkdown(`**${escapeMarkdown(`${ref.host}/${full}`)}** · [${vscode.l10n.t('Open in Quay')}](${webUrls.repository(instance.url, full)})\n\n`);
    if (facts.repository === undefined) {
      md.appendMarkdown(`$(warning) ${escapeMarkdown(vscode.l10n.t('No repository {0} that this token can see on {1}: it does not exist yet, or it is private to others.', full, instance.url))}\n\n`);
    } else {
      const r = facts.repository;
      md.appendMarkdown(`${r.isPublic ? `$(repo) ${vscode.l10n.t('Public: anyone can pull, no pull secret needed.')}` : `$(lock) ${vscode.l10n.t('Private: pulls need credentials with read.')}`}`);
      if (r.description !== '') md.appendMarkdown(`  \n${escapeMarkdown(r.description)}`);
      md.appendMarkdown('\n\n');
    }
    if (facts.pullers === undefined) {
      md.appendMarkdown(escapeMarkdown(vscode.l10n.t('Robots that can pull: unknown ({0})', facts.pullersProblem ?? '')));
    } else if (facts.pullers.length === 0) {
      md.appendMarkdown(escapeMarkdown(vscode.l10n.t('No robot account has a permission on {0}.', full)));
    } else {
      md.appendMarkdown(`${vscode.l10n.t('Robots that can pull')}:\n`);
      for (const p of facts.pullers) {
        const { namespace: ns, shortName } = splitRobotName(p.robot);
        const kind = ns === ref.namespace ? ('org' as const) : ('user' as const);
        const namespace = { kind, name: ns };
        const path = [nodeIds.instance(instance.url), nodeIds.namespace(instance.url, namespace), nodeIds.robots(instance.url, namespace), nodeIds.robot(instance.url, namespace, shortName)];
        const via = p.team !== undefined ? vscode.l10n.t(' via team {0}', p.team) : '';
        md.appendMarkdown(`- **${escapeMarkdown(p.robot)}** ${escapeMarkdown(p.role)}${escapeMarkdown(via)} · ${commandLink(vscode.l10n.t('Show in Quay view'), Commands.revealInTree, path)}\n`);
      }
    }
    return new vscode.Hover(md, new vscode.Range(document.positionAt(image.range.start), document.positionAt(image.range.end)));
  }
}
