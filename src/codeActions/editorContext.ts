import type { ManifestService } from './manifestService';
import type { PullSecretDiagnostics } from './pullSecretDiagnostics';
import type { RepositoryAccess } from '../core/repositoryAccess';

/** The editor features' shared state, handed to the commands they invoke. */
export interface EditorContext {
  readonly manifests: ManifestService;
  readonly access: RepositoryAccess;
  readonly diagnostics: PullSecretDiagnostics;
}
