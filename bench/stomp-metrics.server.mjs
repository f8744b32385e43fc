// The bench server with the stomp_* Prometheus series on and scraped once a second (BENCH_METRICS=1), to pair
// against the same server with them off in alternating windows of one run:
//   node bench/run.mjs --no-build --only=fanout --baseline-server=bench/stomp.server.mjs --ours-server=bench/stomp-metrics.server.mjs
process.env.BENCH_METRICS = '1';
await import('./stomp.server.mjs');
