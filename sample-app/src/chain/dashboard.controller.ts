import { Controller } from '@nestjs/common';
import { SubscribeMapping } from '../../../lib/index.js';
import type { DashboardSnapshot } from './chain.model.js';
import { ChainSimulator } from './chain.simulator.js';

/** STOMP side of the dashboard: a page that subscribes to `/dap/dashboard` gets the latest state at once. */
@Controller()
export class DashboardController {
  constructor(private readonly chain: ChainSimulator) {}

  @SubscribeMapping('/dashboard')
  snapshot(): DashboardSnapshot {
    return this.chain.snapshot();
  }
}
