import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
};

/** The oldest Node.js the README and package.json promise. */
const oldestNode = semver.minVersion(manifest.engines.node)!.version;

describe('the Node.js version we promise', () => {
  it('is the one the README states', () => {
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const [major, minor] = oldestNode.split('.');
    expect(readme).toContain(`Node.js ${major}.${minor} or later`);
  });

  it('is enough for every installed package, so npm install warns of no engine mismatch', () => {
    const tooOld = Object.entries(lock.packages)
      .map(([path, pkg]) => ({ path, node: !Array.isArray(pkg.engines) ? pkg.engines?.node : undefined }))
      .filter((p) => p.node && !semver.satisfies(oldestNode, p.node))
      .map((p) => `${p.path.replace(/^node_modules\//, '')} wants Node ${p.node}`);
    expect(tooOld).toEqual([]);
  });

  it('is a version this machine satisfies', () => {
    expect(semver.satisfies(process.version, manifest.engines.node)).toBe(true);
  });
});
