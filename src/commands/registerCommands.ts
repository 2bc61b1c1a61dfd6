import * as vscode from 'vscode';
import { Commands, type CommandId } from '../constants';
import type { CommandContext } from './commandContext';
import { addInstance } from './instance/addInstance';
import { removeInstance } from './instance/removeInstance';
import { signIn } from './instance/signIn';
import { changeRole, revokePermission } from './permissions/changePermission';
import { grantRepositories } from './permissions/grantRepositories';
import { openAccessMatrix } from './matrix/openAccessMatrix';
import { addPermission } from './permissions/addPermission';
import { applyPrototype, changePrototypeRole, createPrototype, deletePrototype } from './prototypes/prototypeCommands';
import { createRobot } from './robots/createRobot';
import { explainCreateRobotDisallowed, explainSuccessorDisallowed } from './robots/robotCreation';
import { showActivity } from './robots/showActivity';
import { addToTeam, removeFromTeam } from './teams/teamMembership';
import { copyCredentials } from './robots/credentials';
import { deleteRobot } from './robots/deleteRobot';
import { wrapCommand } from './runCommand';
import { copyName, revealInQuay, revealInTree } from './view/copyName';
import { addImagePullSecret, grantReadForPull, insertPullSecretManifest, patchServiceAccount, rolloutPullSecret } from './manifests/pullSecretCommands';
import { clearFilter, filter, findInView, loadMore } from './view/filter';
import { refresh, retry } from './view/refresh';
import { findRobotInClusters } from './rotation/clusterUsages';
import { showDueRobots } from './rotation/dueRobots';
import { finishRotation, rotateToken } from './rotation/rotateToken';
import { retirePredecessor, rotateWithSuccessor } from './rotation/successor';
import { checkIssuer } from './federation/checkIssuer';
import { setUpKeyless } from './federation/setUpKeyless';
import { copyKeylessLogin, testKeylessLogin } from './federation/testKeylessLogin';
import { addTrust, editTrust, removeAllTrust, removeTrust } from './federation/trust';
import { openRobotPage } from './robots/openRobotPage';
import { reviewHygiene } from './hygiene/reviewHygiene';
import { fixHygieneFinding } from './hygiene/fixFromFile';
import { addGithubKeylessLogin, addKeylessTrustForServiceAccount, insertKeylessPullSecret, insertVaultPullSecret } from './manifests/externalSecretCommands';

type Handler = (c: CommandContext, ...args: never[]) => Promise<unknown>;

/**
 * The one registration table. Typed as a Record over CommandId, so a command declared in constants.ts
 * (and therefore in package.json, test/unit/manifest.test.ts) without a handler does not compile.
 */
const table: Record<CommandId, Handler> = {
  [Commands.addInstance]: addInstance,
  [Commands.removeInstance]: removeInstance,
  [Commands.signIn]: signIn,
  [Commands.refresh]: refresh,
  [Commands.refreshAll]: (c) => refresh(c),
  [Commands.findInView]: () => findInView(),
  [Commands.retry]: retry,
  [Commands.showLog]: (c) => {
    c.logger.channel.show();
    return Promise.resolve();
  },
  [Commands.copyName]: copyName,
  [Commands.revealInQuay]: revealInQuay,
  [Commands.filter]: filter,
  [Commands.clearFilter]: clearFilter,
  [Commands.loadMore]: loadMore,
  [Commands.createRobot]: createRobot,
  [Commands.deleteRobot]: deleteRobot,
  [Commands.grantRepositories]: grantRepositories,
  [Commands.openAccessMatrix]: openAccessMatrix,
  [Commands.changeRole]: changeRole,
  [Commands.revokePermission]: revokePermission,
  [Commands.copyCredentials]: copyCredentials,
  [Commands.showActivity]: showActivity,
  [Commands.addPermission]: addPermission,
  [Commands.createPrototype]: createPrototype,
  [Commands.changePrototypeRole]: changePrototypeRole,
  [Commands.deletePrototype]: deletePrototype,
  [Commands.applyPrototype]: applyPrototype,
  [Commands.addToTeam]: addToTeam,
  [Commands.removeFromTeam]: removeFromTeam,
  [Commands.addImagePullSecret]: addImagePullSecret,
  [Commands.insertPullSecretManifest]: insertPullSecretManifest,
  [Commands.patchServiceAccount]: patchServiceAccount,
  [Commands.rolloutPullSecret]: rolloutPullSecret,
  [Commands.grantReadForPull]: grantReadForPull,
  [Commands.revealInTree]: revealInTree,
  [Commands.rotateToken]: rotateToken,
  [Commands.finishRotation]: finishRotation,
  [Commands.rotateWithSuccessor]: rotateWithSuccessor,
  [Commands.retirePredecessor]: retirePredecessor,
  [Commands.showDueRobots]: showDueRobots,
  [Commands.addTrust]: addTrust,
  [Commands.insertKeylessPullSecret]: insertKeylessPullSecret,
  [Commands.insertVaultPullSecret]: insertVaultPullSecret,
  [Commands.addGithubKeylessLogin]: addGithubKeylessLogin,
  [Commands.addKeylessTrustForServiceAccount]: addKeylessTrustForServiceAccount,
  [Commands.editTrust]: editTrust,
  [Commands.removeTrust]: removeTrust,
  [Commands.removeAllTrust]: removeAllTrust,
  [Commands.setUpKeyless]: setUpKeyless,
  [Commands.checkIssuer]: checkIssuer,
  [Commands.testKeylessLogin]: testKeylessLogin,
  [Commands.copyKeylessLogin]: copyKeylessLogin,
  [Commands.findRobotInClusters]: findRobotInClusters,
  [Commands.openRobotPage]: openRobotPage,
  [Commands.reviewHygiene]: reviewHygiene,
  [Commands.fixHygieneFinding]: fixHygieneFinding,
  [Commands.createRobotDisallowed]: explainCreateRobotDisallowed,
  [Commands.rotateWithSuccessorDisallowed]: explainSuccessorDisallowed,
};

export function registerCommands(c: CommandContext): vscode.Disposable[] {
  return Object.entries(table).map(([id, handler]) =>
    vscode.commands.registerCommand(
      id,
      wrapCommand(id, c.logger.tagged(id), (...args: unknown[]) => (handler as (c: CommandContext, ...a: unknown[]) => Promise<unknown>)(c, ...args)),
    ),
  );
}
