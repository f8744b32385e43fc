import type { ArgumentsHost, ContextType } from '@nestjs/common';

type WsArgumentsHost = ReturnType<ArgumentsHost['switchToWs']>;
type RpcArgumentsHost = ReturnType<ArgumentsHost['switchToRpc']>;
type HttpArgumentsHost = ReturnType<ArgumentsHost['switchToHttp']>;

/**
 * The `ArgumentsHost` exception filters receive for a STOMP invocation: the same arguments and
 * type as the guards saw (`[session, payload, message]`, type 'stomp'), built from public API only.
 */
export class StompArgumentsHost implements ArgumentsHost {
  constructor(
    private readonly args: unknown[],
    private readonly type: string,
  ) {}

  getArgs<T extends unknown[] = unknown[]>(): T {
    return this.args as T;
  }

  getArgByIndex<T = unknown>(index: number): T {
    return this.args[index] as T;
  }

  getType<T extends string = ContextType>(): T {
    return this.type as T;
  }

  switchToWs(): WsArgumentsHost {
    return {
      getClient: <T>() => this.args[0] as T,
      getData: <T>() => this.args[1] as T,
      getPattern: () => this.args[this.args.length - 1],
    } as WsArgumentsHost;
  }

  switchToRpc(): RpcArgumentsHost {
    return { getData: <T>() => this.args[1] as T, getContext: <T>() => this.args[2] as T } as RpcArgumentsHost;
  }

  switchToHttp(): HttpArgumentsHost {
    return {
      getRequest: <T>() => this.args[0] as T,
      getResponse: <T>() => this.args[1] as T,
      getNext: <T>() => this.args[2] as T,
    } as HttpArgumentsHost;
  }
}
