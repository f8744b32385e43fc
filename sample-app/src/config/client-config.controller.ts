import { Controller, Get, Inject } from '@nestjs/common';
import { stompConfig, type StompConfig } from './stomp.config.js';

/** What the page needs to know to connect, so changing the endpoint or prefix in the environment needs no page edit. */
export interface ClientConfig {
  endpoint: string;
  appPrefix: string;
}

@Controller('api/config')
export class ClientConfigController {
  constructor(@Inject(stompConfig.KEY) private readonly stomp: StompConfig) {}

  @Get()
  config(): ClientConfig {
    return { endpoint: this.stomp.endpoint, appPrefix: this.stomp.appPrefix.replace(/\/$/, '') };
  }
}
