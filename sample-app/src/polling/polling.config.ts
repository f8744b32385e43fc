import { registerAs } from '@nestjs/config';
import { envInt } from '../config/env.reader.js';

/** The "before WebSocket" endpoints: how long a long-poll is held open without news, ms. */
export const pollingConfig = registerAs('polling', () => ({
  longPollTimeoutMs: envInt('POLLING_LONG_POLL_TIMEOUT_MS', 25_000, 1),
}));
