/**
 * Reads one environment variable with a default; a value that does not parse stops the app at
 * startup with a message naming the variable, rather than running with a silent fallback.
 */
export function envString(name: string, fallback: string): string {
  const value = process.env[name]?.trim();
  return value ? value : fallback;
}

/** An integer of at least `min` (milliseconds, bytes, counts). */
export function envInt(name: string, fallback: number, min = 0): number {
  const value = process.env[name]?.trim();
  if (!value) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new Error(`${name} must be an integer of at least ${min}, got '${value}'`);
  return Number(value);
}

/** A comma-separated list (`/topic/,/queue/`); `undefined` when the variable is not set and there is no default. */
export function envList(name: string, fallback: string[]): string[];
export function envList(name: string, fallback?: string[]): string[] | undefined;
export function envList(name: string, fallback?: string[]): string[] | undefined {
  const value = process.env[name]?.trim();
  if (!value) return fallback;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
