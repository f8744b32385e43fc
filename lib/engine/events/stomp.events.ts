import { Subject, filter, type Observable } from 'rxjs';
import type {
  ConnectListener,
  StompBrokerEvent,
  StompEvent,
  StompEventType,
  StompSessionEvent,
} from '../../interfaces/stomp-events.interface.js';

/**
 * Session lifecycle events as an injectable stream: `events.on('disconnect').subscribe(...)`.
 * `disconnect` comes exactly once per session, with why it ended. `beforeConnect` listeners may refuse a session.
 */
export class StompEvents {
  private readonly subject = new Subject<StompSessionEvent>();
  private readonly brokerSubject = new Subject<StompBrokerEvent>();
  private readonly connectListeners = new Set<ConnectListener>();

  /** Every session event, in the order they happen (broker availability is apart: `on('broker')`, `broker$`). */
  readonly events$: Observable<StompSessionEvent> = this.subject.asObservable();

  /** The broker relay's connection coming (`available: true`) and going; nothing with the in-memory broker. */
  readonly broker$: Observable<StompBrokerEvent> = this.brokerSubject.asObservable();

  /** Events of one type. */
  on<T extends StompEventType>(type: T): Observable<Extract<StompEvent, { type: T }>> {
    const source: Observable<StompEvent> = type === 'broker' ? this.broker$ : this.events$;
    return source.pipe(filter((e): e is Extract<StompEvent, { type: T }> => e.type === type));
  }

  /** Adds a listener that may refuse a CONNECT; returns a function that removes it. */
  beforeConnect(listener: ConnectListener): () => void {
    this.connectListeners.add(listener);
    return () => this.connectListeners.delete(listener);
  }

  /** Emits `connect` and waits for every beforeConnect listener; used by the dispatcher. */
  async emitConnect(event: Extract<StompSessionEvent, { type: 'connect' }>): Promise<void> {
    for (const listener of this.connectListeners) await listener(event);
    this.subject.next(event);
  }

  emit(event: StompEvent): void {
    if (event.type === 'broker') this.brokerSubject.next(event);
    else if (this.subject.observed) this.subject.next(event);
  }

  complete(): void {
    this.subject.complete();
    this.brokerSubject.complete();
  }
}
