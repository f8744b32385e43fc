import type { StompFrame, StompHeaders } from '../../interfaces/stomp-frame.interface.js';
import type { HandlerErrorReporter } from '../errors/error.reporter.js';
import type { StompMessage } from './stomp-message.js';

/** Where the default exception filter finds the reporter; a symbol keeps it off the public shape. */
export const ERROR_REPORTER = Symbol('stomp:error-reporter');

/** The `StompMessage` handed to handlers, carrying what the default exception filter needs. */
export class InboundStompMessage implements StompMessage {
  readonly command: 'SEND' | 'SUBSCRIBE';
  readonly destination: string;
  readonly headers: Readonly<StompHeaders>;
  readonly body: Buffer;
  readonly [ERROR_REPORTER]: HandlerErrorReporter;

  constructor(
    frame: StompFrame,
    readonly lookupDestination: string,
    readonly destinationVariables: Readonly<Record<string, string>>,
    reporter: HandlerErrorReporter,
    readonly subscriptionId?: string,
  ) {
    this[ERROR_REPORTER] = reporter;
    this.command = frame.command === 'SUBSCRIBE' ? 'SUBSCRIBE' : 'SEND';
    this.destination = frame.headers.destination;
    this.headers = frame.headers;
    this.body = frame.body;
  }
}
