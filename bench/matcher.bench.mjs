// Micro-benchmark of the destination matcher: µs per match of the most complex patterns the
// default limits (maxPatternWildcards 8, maxPatternSegments 32) let a client subscribe, against
// 1,000-character destinations (and a 4,000-character periodic one), next to a literal `===` compare of the same strings.
// Uses the compiled library: `npm run build && node bench/matcher.bench.mjs`.
import { DestinationMatcher } from '../dist/engine/broker/destination.matcher.js';

const matcher = new DestinationMatcher();
const long = 'a'.repeat(1000);
const deepPattern = `/${Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? '**' : '*a*a*a*a*a*a*a*b')).join('/')}`;
const cases = [
  ['8 stars, no match', '/topic/*a*a*a*a*a*a*a*b', `/topic/${long}`],
  ['8 stars, match', '/topic/*a*a*a*a*a*a*a*b', `/topic/${long}b`],
  ['8 ?, no match', '/topic/?a?a?a?a?a?a?a?b', `/topic/${long}`],
  ['{x} captures', '/topic/{a}a{b}a{c}a{d}b', `/topic/${long}b`],
  ['long literal, periodic', `/t/*${'a'.repeat(2000)}?b*c`, `/t/${'a'.repeat(4000)}c`],
  ['32 segments with **', deepPattern, `/${Array.from({ length: 40 }, () => long.slice(0, 25)).join('/')}`],
];

function perCall(fn, minMs = 200) {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 100; i++) fn();
    calls += 100;
    elapsed = performance.now() - start;
  }
  return (elapsed * 1000) / calls;
}

let sink = 0;
for (const [name, pattern, destination] of cases) {
  const compiled = matcher.compile(pattern);
  // A copy, so `===` compares characters rather than one pointer.
  const same = destination.split('').join('');
  const literal = perCall(() => (sink += destination === same ? 1 : 0));
  const test = perCall(() => (sink += compiled.test(destination) ? 1 : 0));
  const match = perCall(() => (sink += compiled.match(destination) ? 1 : 0));
  console.log(
    `${name.padEnd(22)} test ${test.toFixed(2).padStart(8)} µs   match ${match.toFixed(2).padStart(8)} µs   literal compare ${literal.toFixed(3)} µs   (${destination.length} chars)`,
  );
}
if (sink < 0) console.log(sink);
