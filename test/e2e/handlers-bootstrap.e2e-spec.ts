import { describe, expect, it, jest } from '@jest/globals';
import { Controller, Injectable, Logger, Scope } from '@nestjs/common';
import { MessageMapping, SendTo, SendToUser, SubscribeMapping } from '../../lib/index.js';
import { startApp, TEST_OPTIONS } from '../fixtures/stomp-app.fixture.js';

@Controller()
class RoomController {
  @MessageMapping('/rooms/{id}')
  join() {
    return 'joined';
  }
}

@Injectable()
class RoomService {
  @MessageMapping('/rooms/{roomId}')
  enter() {
    return 'entered';
  }
}

@Controller()
class StrayController {
  @MessageMapping('/stray')
  @SendTo('/elsewhere/x')
  stray() {
    return 'x';
  }
}

@Controller()
class UnknownVariableController {
  @MessageMapping('/a/{id}')
  @SendTo('/topic/{room}')
  a() {
    return 'x';
  }
}

@Injectable({ scope: Scope.REQUEST })
class ScopedHandlers {
  @MessageMapping('/scoped')
  scoped() {
    return 'x';
  }
}

@Controller()
@MessageMapping('/chat')
class LoggedController {
  @MessageMapping('/hello')
  @SendTo('/topic/roomId')
  hello() {
    return 'x';
  }

  @MessageMapping('/default')
  byDefault() {
    return 'x';
  }

  @MessageMapping('/private')
  @SendToUser({ broadcast: false })
  mine() {
    return 'x';
  }

  @SubscribeMapping('/snapshot')
  snapshot() {
    return 'x';
  }
}

describe('handler discovery at bootstrap', () => {
  it('refuses two handlers for the same destination and names both, a controller and a provider', async () => {
    await expect(startApp(TEST_OPTIONS, { controllers: [RoomController], providers: [RoomService] })).rejects.toThrow(
      'SEND /rooms/{roomId} is mapped twice: by RoomController.join and by RoomService.enter',
    );
  });

  it('refuses @SendTo outside the broker prefixes and {var} the mapping does not capture', async () => {
    await expect(startApp(TEST_OPTIONS, { controllers: [StrayController] })).rejects.toThrow(
      /StrayController\.stray: @SendTo\('\/elsewhere\/x'\)/,
    );
    await expect(startApp(TEST_OPTIONS, { controllers: [UnknownVariableController] })).rejects.toThrow(
      "UnknownVariableController.a: '/topic/{room}' uses {room}, which mapping '/a/{id}' does not capture",
    );
  });

  it('refuses request-scoped handler classes', async () => {
    await expect(startApp(TEST_OPTIONS, { providers: [ScopedHandlers] })).rejects.toThrow(/ScopedHandlers\.scoped: .*request-scoped/);
  });

  it('logs one line per mapping with its replies', async () => {
    const log = jest.spyOn(Logger.prototype, 'log');
    const running = await startApp({ ...TEST_OPTIONS, appPrefix: '/dap' }, { controllers: [LoggedController] });
    const lines = log.mock.calls.map((call) => String(call[0])).filter((line) => line.startsWith('LoggedController.'));
    log.mockRestore();
    await running.close();
    expect(lines.sort()).toEqual([
      'LoggedController.byDefault  SEND /dap/chat/default -> /topic/chat/default',
      'LoggedController.hello  SEND /dap/chat/hello -> /topic/roomId',
      'LoggedController.mine  SEND /dap/chat/private -> /user/queue/chat/private (sender only)',
      'LoggedController.snapshot  SUBSCRIBE /dap/chat/snapshot -> subscriber',
    ]);
  });
});
