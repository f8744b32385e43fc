import { Controller } from '@nestjs/common';
import { SubscribeMapping } from '../../../lib/index.js';
import type { AdminSnapshot } from './admin.model.js';
import { AdminPublisher } from './admin.publisher.js';

/** A page that subscribes to `/dap/admin/stats` draws the last minute at once, then follows `/topic/admin/stats`. */
@Controller()
export class AdminController {
  constructor(private readonly publisher: AdminPublisher) {}

  @SubscribeMapping('/admin/stats')
  snapshot(): AdminSnapshot {
    return this.publisher.snapshot();
  }
}
