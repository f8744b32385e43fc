import { describe, expect, it } from '@jest/globals';
import { BadRequestException, ForbiddenException, HttpException, InternalServerErrorException, ValidationPipe } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { IsInt } from 'class-validator';
import { StompException } from '../../../lib/engine/errors/stomp.exception.js';
import { clientErrorMessage, isClientFault } from '../../../lib/nest/errors/client-error.message.js';

class Dto {
  @IsInt()
  n!: number;
}

describe('clientErrorMessage', () => {
  it('passes the messages of exceptions written for clients', () => {
    expect(clientErrorMessage(new StompException('Room is full'))).toBe('Room is full');
    expect(clientErrorMessage(new ForbiddenException())).toBe('Forbidden');
    expect(clientErrorMessage(new HttpException('plain string', 409))).toBe('plain string');
    expect(clientErrorMessage(new WsException('ws says no'))).toBe('ws says no');
    expect(clientErrorMessage(new WsException({ message: 'as object', code: 7 }))).toBe('as object');
    expect(clientErrorMessage(new BadRequestException(['a is bad', 'b is bad']))).toBe('a is bad; b is bad');
  });

  it('joins the messages of a ValidationPipe rejection', async () => {
    const pipe = new ValidationPipe();
    const error = await pipe.transform({ n: 'x' }, { type: 'body', metatype: Dto }).catch((e: unknown) => e);
    expect(clientErrorMessage(error)).toBe('n must be an integer number');
  });

  it('hides everything else', () => {
    expect(clientErrorMessage(new Error('password=hunter2'))).toBe('Internal error');
    expect(clientErrorMessage(new TypeError('x is undefined'))).toBe('Internal error');
    expect(clientErrorMessage('a thrown string')).toBe('Internal error');
    expect(clientErrorMessage(undefined)).toBe('Internal error');
  });

  it('counts 5xx HttpExceptions and unknown errors as server faults, the rest as the client’s', () => {
    expect(isClientFault(new BadRequestException())).toBe(true);
    expect(isClientFault(new StompException('x'))).toBe(true);
    expect(isClientFault(new InternalServerErrorException('db down'))).toBe(false);
    expect(isClientFault(new Error('x'))).toBe(false);
  });
});
