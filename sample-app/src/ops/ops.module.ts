import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AdminController } from './admin.controller.js';
import { AdminPublisher } from './admin.publisher.js';
import { MetricsController } from './metrics.controller.js';
import { opsConfig } from './ops.config.js';

/** For operators: Prometheus text at /metrics, and the live page at /admin fed over STOMP. */
@Module({
  imports: [ConfigModule.forFeature(opsConfig)],
  controllers: [MetricsController, AdminController],
  providers: [AdminPublisher],
})
export class OpsModule {}
