import type { StompFrame } from '../../interfaces/stomp-frame.interface.js';
import type { StompSession } from '../session/stomp.session.js';

/**
 * Where SENDs and SUBSCRIBEs under the application prefix go: the port the Nest shell implements
 * with its `@MessageMapping` handlers. `destination` has the application prefix stripped
 * (`/dap/hello` → `/hello`), as in Spring.
 */
export interface ApplicationDestinations {
  handleSend(session: StompSession, destination: string, frame: StompFrame): void | Promise<void>;
  handleSubscribe(session: StompSession, destination: string, subscriptionId: string, frame: StompFrame): void | Promise<void>;
}
