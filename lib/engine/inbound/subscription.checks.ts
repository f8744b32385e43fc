import { StompProtocolError } from '../errors/protocol.error.js';
import { patternComplexity } from '../broker/destination.matcher.js';
import { CLIENT_MESSAGES } from '../stomp.messages.js';

/** Bounds on what one client's SUBSCRIBE pattern may cost every later publish. */
export interface PatternLimits {
  pathSeparator: '/' | '.';
  maxPatternSegments: number;
  maxPatternWildcards: number;
}

/** Client-supplied `{name:regex}` parts would run a client's regex on every publish; plain `*`, `**`, `{name}` stay allowed. */
export function rejectClientRegex(destination: string): void {
  if (/\{[^}]*:/.test(destination)) {
    throw new StompProtocolError('FORBIDDEN_DESTINATION', CLIENT_MESSAGES.clientRegex(destination));
  }
}

/** Every publish tests every pattern subscription it could reach, so a client's patterns are bounded in size. */
export function rejectComplexPattern(destination: string, limits: PatternLimits): void {
  const { segments, wildcards } = patternComplexity(destination, limits.pathSeparator);
  // No wildcard: an exact destination, compared with `===` however long it is.
  if (wildcards > 0 && (segments > limits.maxPatternSegments || wildcards > limits.maxPatternWildcards)) {
    throw new StompProtocolError(
      'PATTERN_TOO_COMPLEX',
      CLIENT_MESSAGES.patternTooComplex(destination, limits.maxPatternSegments, limits.maxPatternWildcards),
    );
  }
}
