import { registerAs, type ConfigType } from '@nestjs/config';
import { envInt } from '../config/env.reader.js';

/** How often the operator page (`/admin`) is sent fresh figures. */
export const opsConfig = registerAs('ops', () => ({
  adminStatsIntervalMs: envInt('ADMIN_STATS_INTERVAL_MS', 1000, 100),
}));

export type OpsConfig = ConfigType<typeof opsConfig>;
