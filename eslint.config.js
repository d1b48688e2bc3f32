import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/*
 * Who may talk to the database, and what one feature may import of another (house style, rule 3).
 * Only repositories and src/db/ import the query builder or a driver; each table has one owning
 * feature (src/db/owners.ts) whose repository alone queries it, so another feature's repository,
 * routes and back-office pages are never imported: a feature asks the owner's service instead.
 * test/project/table-ownership.test.ts shows these rules fire.
 */
const DATABASE_PACKAGES = ['kysely', 'pg', 'better-sqlite3'].map((name) => ({
  name,
  message:
    "Only repositories (*.repository.ts) and src/db/ talk to the database. Put the query in the owning feature's repository and call it through that feature's service; take the Db, Trx and Executor types from src/db/database.ts.",
}));

const FEATURES = readdirSync(new URL('./src/features/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** Another feature's repository, routes or back-office pages, as imported from `feature/` (`../y/…`) or from a folder inside it (`../../y/…`). */
function otherFeaturesInternals(feature) {
  return [
    {
      regex: `^\\.\\./(\\.\\./)?(?!${feature}/)[a-z-]+/.*\\.(repository|routes|admin)(\\.js)?$`,
      message:
        "That file belongs to another feature: only a feature's own code imports its repository, routes or back-office pages. Ask the owning feature's service instead (it can take your Trx to run inside your transaction; owners are in src/db/owners.ts), and move shared edge helpers to src/http/ or src/shared/.",
    },
  ];
}

const databaseAccess = [
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/db/**', 'src/**/*.repository.ts', 'src/features/**'],
    rules: { 'no-restricted-imports': ['error', { paths: DATABASE_PACKAGES }] },
  },
  ...FEATURES.flatMap((feature) => [
    {
      files: [`src/features/${feature}/**/*.ts`, `src/features/${feature}/**/*.tsx`],
      ignores: ['src/**/*.repository.ts'],
      rules: { 'no-restricted-imports': ['error', { paths: DATABASE_PACKAGES, patterns: otherFeaturesInternals(feature) }] },
    },
    {
      files: [`src/features/${feature}/**/*.repository.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns: otherFeaturesInternals(feature) }] },
    },
  ]),
];

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'dist/', 'e2e/output/', 'bench/output/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  ...databaseAccess,
  {
    files: ['src/http/assets/**/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'script' },
  },
);
