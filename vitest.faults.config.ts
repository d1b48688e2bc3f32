import { defineConfig } from 'vitest/config';

/**
 * The fault tests (test/faults/*.fault.ts): real shop processes killed with SIGKILL, a private
 * PostgreSQL restarted under load, nginx in front of three processes. One file at a time, as each
 * starts several processes of its own.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.fault.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
