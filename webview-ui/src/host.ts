/**
 * The page side of the protocol (src/webviews/protocol.ts): the one place a page talks to the extension.
 * Messages from the host are validated before the page sees them; state kept across hide/show goes through
 * `setState`/`getState` and is validated when read back. Page state never holds a token (the host never sends one
 * unasked, and pages keep it only in memory, dropped when the page is hidden).
 */
import type { Guard } from '../../src/webviews/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface PageHost<ToHost, State> {
  post(message: ToHost): void;
  /** The state saved before the page was last hidden, if it passes the page's guard. */
  readonly restored: State | undefined;
  save(state: State): void;
}

/**
 * Installs the message listener, then says `ready` (the host answers with the page's data, also after a hide/show
 * re-created the page). Messages that fail `accepts` are dropped with a console warning.
 */
export function connect<FromHost, ToHost extends { readonly type: string }, State>(
  accepts: Guard<FromHost>,
  acceptsState: Guard<State>,
  onMessage: (message: FromHost) => void,
): PageHost<ToHost | { type: 'ready' }, State> {
  const api = acquireVsCodeApi();
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (accepts(event.data)) onMessage(event.data);
    else console.warn('quay: dropped a message that is not in the protocol');
  });
  const saved = api.getState();
  const host: PageHost<ToHost | { type: 'ready' }, State> = {
    post: (message) => api.postMessage(message),
    restored: acceptsState(saved) ? saved : undefined,
    save: (state) => api.setState(state),
  };
  host.post({ type: 'ready' });
  return host;
}
