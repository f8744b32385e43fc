import { registerAs } from '@nestjs/config';
import { envInt, envString } from './env.reader.js';

/** Where the sample listens: `PORT` (default 3000) and `HOST` (default: every interface). */
export const serverConfig = registerAs('server', () => ({
  port: envInt('PORT', 3000),
  host: envString('HOST', ''),
}));
