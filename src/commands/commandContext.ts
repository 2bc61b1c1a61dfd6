import type { ClientRegistry } from '../host/clientRegistry';
import type { InstanceStore } from '../host/instanceStore';
import type { OutputChannelLogger } from '../host/logger';
import type { RegistryTreeProvider } from '../views/registryTreeProvider';

/** What command handlers may use; built once in extension.ts. */
export interface CommandContext {
  readonly store: InstanceStore;
  readonly clients: ClientRegistry;
  readonly tree: RegistryTreeProvider;
  readonly logger: OutputChannelLogger;
}
