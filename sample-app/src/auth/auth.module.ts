import { Module } from '@nestjs/common';
import { NameClaims } from './name.claims.js';

/** Who may connect under which name (the `authenticate` hook and the chat rules live in the STOMP options). */
@Module({ providers: [NameClaims] })
export class AuthModule {}
