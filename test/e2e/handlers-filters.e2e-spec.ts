import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  Catch,
  Controller,
  Injectable,
  Module,
  UseFilters,
  ValidationPipe,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { IsInt } from 'class-validator';
import { concat, of, throwError } from 'rxjs';
import { MessageMapping, Payload, SimpMessagingTemplate, StompException, type StompSession } from '../../lib/index.js';
import { startApp, type RunningApp } from '../fixtures/stomp-app.fixture.js';
import { USER_OPTIONS, userClients } from '../fixtures/handlers.fixture.js';

// Which filter runs for a handler error, and what happens when it declines: the rules the invoker
// keeps while building handlers from Nest's enhancer parts (method, class, global filters; undefined = not handled).

class SkyError extends Error {}
class SeaError extends Error {}
class StreamError extends Error {}

/** Reports which filter caught what, on a topic the test watches. Decorated so Nest sees its constructor's types. */
@Injectable()
abstract class ReportingFilter implements ExceptionFilter {
  protected abstract readonly label: string;
  constructor(protected readonly template: SimpMessagingTemplate) {}
  catch(error: Error, host: ArgumentsHost) {
    const user = host.switchToWs().getClient<StompSession>().userName;
    return this.template.convertAndSend('/topic/caught', { by: this.label, error: error.message, user, type: host.getType() });
  }
}

/** Registered with app.useGlobalFilters(): constructed by the test, not by Nest. */
@Catch(SkyError)
class UseGlobalSkyFilter extends ReportingFilter {
  protected readonly label = 'useGlobalFilters';
}

@Injectable()
@Catch(SeaError)
class AppSeaFilter extends ReportingFilter {
  protected readonly label = 'APP_FILTER';
}

@Module({ providers: [{ provide: APP_FILTER, useClass: AppSeaFilter }] })
class AppFilterModule {}

@Injectable()
@Catch(SeaError)
class MethodFilter extends ReportingFilter {
  protected readonly label = 'method';
}

@Injectable()
@Catch(SeaError, StreamError)
class ClassFilter extends ReportingFilter {
  protected readonly label = 'class';
}

/** Sees the error, then declines it: returning undefined hands it on to the default report. */
@Injectable()
@Catch(StompException)
class DecliningFilter implements ExceptionFilter {
  constructor(private readonly template: SimpMessagingTemplate) {}
  catch(error: Error) {
    void this.template.convertAndSend('/topic/declined', { error: error.message });
    return undefined;
  }
}

class CountDto {
  @IsInt()
  count!: number;
}

@Controller()
class SkyController {
  @MessageMapping('/sky')
  sky() {
    throw new SkyError('falling');
  }

  @MessageMapping('/sea-alone')
  seaAlone() {
    throw new SeaError('ebb');
  }
}

@Controller()
@UseFilters(ClassFilter)
class SeaController {
  @MessageMapping('/sea')
  sea() {
    throw new SeaError('rising');
  }

  @MessageMapping('/sea-method')
  @UseFilters(MethodFilter)
  seaMethod() {
    throw new SeaError('tide');
  }

  @MessageMapping('/stream-error')
  stream() {
    return concat(
      of('first'),
      throwError(() => new StreamError('broke')),
    );
  }

  @MessageMapping('/declined')
  @UseFilters(DecliningFilter)
  declined() {
    throw new StompException('not mine');
  }

  @MessageMapping('/count')
  count(@Payload() body: CountDto) {
    return body.count;
  }
}

describe('exception filters and global pipes on STOMP handlers', () => {
  let running: RunningApp;
  const { connect, disconnectAll } = userClients(() => running.baseUrl);

  beforeAll(async () => {
    running = await startApp(USER_OPTIONS, {
      controllers: [SkyController, SeaController],
      imports: [AppFilterModule],
      configure: (app) => {
        app.useGlobalFilters(new UseGlobalSkyFilter(app.get(SimpMessagingTemplate)));
        app.useGlobalPipes(new ValidationPipe({ transform: true }));
      },
    });
  });
  afterAll(async () => {
    await disconnectAll();
    await running.close();
  });

  const caughtBy = async (user: string, destination: string) => {
    const client = await connect(user);
    const caught = await client.subscribeConfirmed('/topic/caught');
    await client.sendConfirmed(destination, '');
    return JSON.parse((await caught.waitFor(1))[0].body);
  };

  it('runs a filter registered with app.useGlobalFilters()', async () => {
    expect(await caughtBy('ana', '/app/sky')).toEqual({ by: 'useGlobalFilters', error: 'falling', user: 'ana', type: 'stomp' });
  });

  it('runs an APP_FILTER filter, and prefers a method filter to a class filter to a global one', async () => {
    expect(await caughtBy('ana', '/app/sea-alone')).toEqual({ by: 'APP_FILTER', error: 'ebb', user: 'ana', type: 'stomp' });
    expect((await caughtBy('bob', '/app/sea')).by).toBe('class');
    expect((await caughtBy('cid', '/app/sea-method')).by).toBe('method');
  });

  it('filters an Observable that errors after an emission, and still sends the emission', async () => {
    const ana = await connect('ana');
    const [replies, caught] = await Promise.all([ana.subscribeConfirmed('/topic/stream-error'), ana.subscribeConfirmed('/topic/caught')]);
    await ana.sendConfirmed('/app/stream-error', '');
    expect((await replies.waitFor(1))[0].body).toBe('first');
    expect(JSON.parse((await caught.waitFor(1))[0].body)).toMatchObject({ by: 'class', error: 'broke' });
  });

  it('sends the default report when the matching filter returns undefined', async () => {
    const ana = await connect('ana');
    const [errors, declined] = await Promise.all([ana.subscribeConfirmed('/user/queue/errors'), ana.subscribeConfirmed('/topic/declined')]);
    await ana.sendConfirmed('/app/declined', '');
    expect(JSON.parse((await declined.waitFor(1))[0].body)).toEqual({ error: 'not mine' });
    expect(JSON.parse((await errors.waitFor(1))[0].body)).toMatchObject({ message: 'not mine', destination: '/app/declined' });
  });

  it('applies a global ValidationPipe to the payload', async () => {
    const ana = await connect('ana');
    const [errors, counts] = await Promise.all([ana.subscribeConfirmed('/user/queue/errors'), ana.subscribeConfirmed('/topic/count')]);
    await ana.sendConfirmed('/app/count', JSON.stringify({ count: 'x' }), { 'content-type': 'application/json' });
    expect(JSON.parse((await errors.waitFor(1))[0].body)).toMatchObject({
      message: 'count must be an integer number',
      destination: '/app/count',
    });
    await ana.sendConfirmed('/app/count', JSON.stringify({ count: 3 }), { 'content-type': 'application/json' });
    expect((await counts.waitFor(1))[0].body).toBe('3');
  });
});
