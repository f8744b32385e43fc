import { Module } from '@nestjs/common';
import { StompModule } from '../../lib/index.js';

/**
 * The original Spring system's configuration, as written in its SocketConfiguration:
 * endpoint /block, handlers under /dap, a simple broker for /topic/.
 */
@Module({
  imports: [
    StompModule.forRoot({
      endpoint: '/block',
      appPrefix: '/dap',
      brokerPrefixes: ['/topic/'],
      streamBytesLimit: 512 * 1024,
      httpMessageCacheSize: 1000,
      allowedOrigins: ['*'],
    }),
  ],
})
export class AppModule {}
