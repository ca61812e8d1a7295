import { loadConfig } from '../kernel/config.js';
import { ConfigError } from '../kernel/errors/index.js';

/** The `ConfigError` that `loadConfig(env)` throws; fails the test when it throws none. */
export function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}
