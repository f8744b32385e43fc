import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { ScheduleModule } from '@nestjs/schedule';
import { StompModule } from '../../lib/index.js';
import { AuthModule } from './auth/auth.module.js';
import { ChainModule } from './chain/chain.module.js';
import { ChatModule } from './chat/chat.module.js';
import { chainConfig } from './config/chain.config.js';
import { ClientConfigController } from './config/client-config.controller.js';
import { serverConfig } from './config/server.config.js';
import { stompConfig, stompOptionsFactory } from './config/stomp.config.js';
import { PollingModule } from './polling/polling.module.js';
import { OpsModule } from './ops/ops.module.js';
import { pollingConfig } from './polling/polling.config.js';

/**
 * The original system rebuilt: its SocketConfiguration (through forRootAsync and @nestjs/config,
 * every value from the environment), the scheduler-fed dashboard, chat, and the same dashboard
 * over HTTP polling and long polling.
 */
@Module({
  imports: [
    ConfigModule.forRoot({ isGlobal: true, load: [serverConfig, stompConfig, chainConfig, pollingConfig] }),
    ScheduleModule.forRoot(),
    StompModule.forRootAsync({ inject: [stompConfig.KEY], useFactory: stompOptionsFactory }),
    AuthModule,
    ChainModule,
    ChatModule,
    PollingModule,
    OpsModule,
  ],
  controllers: [ClientConfigController],
})
export class AppModule {}
