// The `nestjs-stomp/client` entry point: browser- and Node-safe, nothing from Nest or the engine.
export { resumableSubscriptions } from './resumable-subscriptions.js';
export type {
  ResumableClient,
  ResumableMessage,
  ResumableOptions,
  ResumableSubscription,
  ResumableSubscriptions,
  StreamGap,
  StreamHeaders,
} from './resumable-subscriptions.js';
