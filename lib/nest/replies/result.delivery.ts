import { concatMap, filter, from, isObservable, takeUntil } from 'rxjs';
import type { StompEvents } from '../../engine/events/stomp.events.js';
import type { StompSession } from '../../engine/session/stomp.session.js';

/**
 * Sends a handler's result: a plain value (or what a Promise resolved to) once; an Observable's
 * every emission, in order, until it completes or the sender's session ends. Observables are not
 * awaited, so a long-lived stream does not hold back the session's next frames.
 */
export async function deliverResult(
  result: unknown,
  session: StompSession,
  events: StompEvents,
  send: (value: unknown) => Promise<void>,
  onError: (error: unknown) => Promise<void>,
): Promise<void> {
  if (!isObservable(result)) return send(result);
  if (session.isClosed) return;
  const ended$ = events.on('disconnect').pipe(filter((event) => event.sessionId === session.id));
  result
    .pipe(
      concatMap((value) => from(send(value))),
      takeUntil(ended$),
    )
    .subscribe({
      error: (error: unknown) => void onError(error),
    });
}
