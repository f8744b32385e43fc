import { Module } from '@nestjs/common';
import { ChainModule } from '../chain/chain.module.js';
import { PollingController } from './polling.controller.js';

/** The dashboard over HTTP polling and long polling, for the COMET comparison. */
@Module({
  imports: [ChainModule],
  controllers: [PollingController],
})
export class PollingModule {}
