// Child processes of a bench run: every one is killed when the run ends, however it ends.

/** The live children; add each forked process, delete it once it has exited. */
export const children = new Set();

/** Kills every child still running. */
export function killAll() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {}
  }
  children.clear();
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}
process.on('uncaughtException', (error) => {
  console.error(error);
  killAll();
  process.exit(1);
});
