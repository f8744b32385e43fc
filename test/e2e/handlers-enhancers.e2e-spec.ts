import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Catch,
  Controller,
  Injectable,
  Module,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  ValidationPipe,
  type ArgumentsHost,
  type CanActivate,
  type ExceptionFilter,
  type ExecutionContext,
  type NestInterceptor,
  type PipeTransform,
  type CallHandler,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { IsInt, IsString, Min, MinLength } from 'class-validator';
import { map, of } from 'rxjs';
import {
  MessageMapping,
  Payload,
  SendTo,
  SimpMessagingTemplate,
  isStompContext,
  type StompMessage,
  type StompSession,
} from '../../lib/index.js';
import { startApp, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { sendWithReceipt, USER_OPTIONS, userClients } from '../fixtures/handlers.fixture.js';

@Injectable()
class AdminOnlyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToWs().getClient<StompSession>().userName === 'admin';
  }
}

@Injectable()
class PassHeaderGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return isStompContext(context) && context.getArgByIndex<StompMessage>(2).headers['x-pass'] === 'yes';
  }
}

/** Global guards see STOMP invocations too, recognisable by their context type. */
@Injectable()
class GlobalVetoGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return !isStompContext(context) || context.getArgByIndex<StompMessage>(2).headers['x-veto'] !== 'yes';
  }
}

@Module({ providers: [{ provide: APP_GUARD, useClass: GlobalVetoGuard }] })
class GlobalGuardModule {}

@Injectable()
class WrapInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler) {
    return next.handle().pipe(map((value: unknown) => ({ wrapped: value })));
  }
}

@Injectable()
class UpperCasePipe implements PipeTransform {
  transform(value: unknown) {
    return typeof value === 'string' ? value.toUpperCase() : value;
  }
}

class TeapotError extends Error {}

@Injectable()
@Catch(TeapotError)
class TeapotFilter implements ExceptionFilter {
  constructor(private readonly template: SimpMessagingTemplate) {}
  catch(error: TeapotError, host: ArgumentsHost) {
    const user = host.switchToWs().getClient<StompSession>().userName;
    return this.template.convertAndSend('/topic/teapots', { caught: error.message, user, type: host.getType() });
  }
}

/** Only a @Controller: its class-level enhancers are the ones Nest's module-key lookup would drop. */
@Controller()
@UseGuards(AdminOnlyGuard)
class AdminController {
  @MessageMapping('/admin/ping')
  ping() {
    return 'pong';
  }
}

@Controller()
@UseInterceptors(WrapInterceptor)
@UsePipes(UpperCasePipe)
@UseFilters(TeapotFilter)
class ShoutController {
  @MessageMapping('/shout')
  shout(@Payload() text: string) {
    return text;
  }

  @MessageMapping('/shout-stream')
  stream(@Payload() text: string) {
    return of(`${text}-1`, `${text}-2`);
  }

  @MessageMapping('/teapot')
  teapot() {
    throw new TeapotError('short and stout');
  }

  @MessageMapping('/guarded')
  @UseGuards(PassHeaderGuard)
  guarded() {
    return 'let in';
  }
}

class CreateItemDto {
  @IsString()
  @MinLength(3)
  name!: string;

  @IsInt()
  @Min(1)
  qty!: number;
}

@Controller()
class ItemsController {
  @MessageMapping('/items')
  @SendTo('/topic/items')
  create(@Payload(new ValidationPipe({ transform: true })) item: CreateItemDto) {
    return { created: item.name, isDto: item instanceof CreateItemDto };
  }
}

describe('Nest enhancers on STOMP handlers', () => {
  let running: RunningApp;
  const { connect, disconnectAll } = userClients(() => running.baseUrl);

  beforeAll(async () => {
    running = await startApp(USER_OPTIONS, {
      controllers: [AdminController, ShoutController, ItemsController],
      imports: [GlobalGuardModule],
    });
  });
  afterAll(async () => {
    await disconnectAll();
    await running.close();
  });

  it('runs a class-level guard of a class that is only a @Controller', async () => {
    const [bob, admin] = await Promise.all([connect('bob'), connect('admin')]);
    const errors = await bob.subscribeConfirmed('/user/queue/errors');
    const pongs = await admin.subscribeConfirmed('/topic/admin/ping');
    const receipt = await sendWithReceipt(bob, '/app/admin/ping', '');
    expect(JSON.parse((await errors.waitFor(1))[0].body)).toEqual({
      message: 'Forbidden resource',
      destination: '/app/admin/ping',
      receipt,
    });
    await admin.sendConfirmed('/app/admin/ping', '');
    expect((await pongs.waitFor(1))[0].body).toBe('pong');
    expect(pongs.messages).toHaveLength(1);
  });

  it('runs a method-level guard', async () => {
    const ana = await connect('ana');
    const errors = await ana.subscribeConfirmed('/user/queue/errors');
    const topic = await ana.subscribeConfirmed('/topic/guarded');
    await ana.sendConfirmed('/app/guarded', '');
    expect(JSON.parse((await errors.waitFor(1))[0].body).message).toBe('Forbidden resource');
    await ana.sendConfirmed('/app/guarded', '', { 'x-pass': 'yes' });
    expect((await topic.waitFor(1))[0].body).toBe('{"wrapped":"let in"}');
  });

  it('runs a global guard', async () => {
    const ana = await connect('ana');
    const errors = await ana.subscribeConfirmed('/user/queue/errors');
    await ana.sendConfirmed('/app/shout', 'vetoed', { 'x-veto': 'yes' });
    expect(JSON.parse((await errors.waitFor(1))[0].body)).toMatchObject({ message: 'Forbidden resource', destination: '/app/shout' });
  });

  it('applies a class-level pipe and interceptor, to every emission of an Observable too', async () => {
    const ana = await connect('ana');
    const shout = await ana.subscribeConfirmed('/topic/shout');
    const stream = await ana.subscribeConfirmed('/topic/shout-stream');
    await ana.sendConfirmed('/app/shout', 'hello');
    await ana.sendConfirmed('/app/shout-stream', 'go');
    expect(JSON.parse((await shout.waitFor(1))[0].body)).toEqual({ wrapped: 'HELLO' });
    expect((await stream.waitFor(2)).map((m) => JSON.parse(m.body))).toEqual([{ wrapped: 'GO-1' }, { wrapped: 'GO-2' }]);
  });

  it('lets a class-level @Catch filter (with injected dependencies) replace the default report', async () => {
    const ana = await connect('ana');
    const errors = await ana.subscribeConfirmed('/user/queue/errors');
    const teapots = await ana.subscribeConfirmed('/topic/teapots');
    await ana.sendConfirmed('/app/teapot', '');
    expect(JSON.parse((await teapots.waitFor(1))[0].body)).toEqual({ caught: 'short and stout', user: 'ana', type: 'stomp' });
    // The default report did not run as well: the next thing on the error queue is a later, different error.
    await ana.sendConfirmed('/app/guarded', '');
    expect(JSON.parse((await errors.waitFor(1))[0].body).destination).toBe('/app/guarded');
  });

  it('validates a DTO with ValidationPipe and reports the messages to /user/queue/errors only', async () => {
    const [ana, bob] = await Promise.all([connect('ana'), connect('bob')]);
    const errors = await ana.subscribeConfirmed('/user/queue/errors');
    const bobErrors = await bob.subscribeConfirmed('/user/queue/errors');
    const items = await bob.subscribeConfirmed('/topic/items');
    const receipt = await sendWithReceipt(ana, '/app/items', JSON.stringify({ name: 'ab', qty: 0 }), {
      'content-type': 'application/json',
    });
    const [error] = await errors.waitFor(1);
    expect(JSON.parse(error.body)).toEqual({
      message: 'name must be longer than or equal to 3 characters; qty must not be less than 1',
      destination: '/app/items',
      receipt,
    });
    await ana.sendConfirmed('/app/items', JSON.stringify({ name: 'apple', qty: 2 }), { 'content-type': 'application/json' });
    expect(JSON.parse((await items.waitFor(1))[0].body)).toEqual({ created: 'apple', isDto: true });
    expect(bobErrors.messages).toHaveLength(0);
  });
});
