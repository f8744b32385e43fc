import { Controller, Get, Header } from '@nestjs/common';
import { register } from 'prom-client';

/**
 * Prometheus text for every series on prom-client's global registry, the module's stomp_* among them
 * (`metrics: { enabled: true }`). An app using @willsoto/nestjs-prometheus already has this route.
 */
@Controller()
export class MetricsController {
  @Get('/metrics')
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
