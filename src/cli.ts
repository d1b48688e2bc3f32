/**
 * What every command-line entry point (`npm run staff`, `backup`, `backup:drill`, `restore`) does
 * first: read the configuration, and on a mistake in it print the plain message and exit 1, never
 * a stack trace.
 */
import { type Config, ConfigError, loadConfig } from './config.js';

/** Print `message` on stderr and exit 1. */
export function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

/**
 * The configuration from the environment, or exit 1 with its plain message; any other error is
 * shown through `otherError` (by default as String(err)).
 */
export function loadConfigOrExit(otherError: (err: unknown) => string = String): Config {
  try {
    return loadConfig();
  } catch (err) {
    fail(err instanceof ConfigError ? err.message : otherError(err));
  }
}
