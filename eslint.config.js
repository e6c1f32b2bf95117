import tseslint from 'typescript-eslint';

const AZURE_ADAPTER_PATHS = ['**/storage/azure', '**/storage/azure/*', '**/storage/azure/**'];
const AZURE_ADAPTER = {
  group: AZURE_ADAPTER_PATHS,
  message:
    'Only the composition root (src/server.ts with src/server-support.ts, and the CLI direct transport) and the adapter itself name the Azure adapter; depend on the ports (src/storage/port.ts).',
};
// The same rule for `import()`, which no-restricted-imports does not see (the root loads the adapter lazily).
const AZURE_ADAPTER_LOADED = {
  selector: 'ImportExpression > Literal[value=/storage\\u002Fazure(\\u002F|$)/]',
  message: AZURE_ADAPTER.message,
};
const AZURE_ADAPTER_IN_TESTS = {
  group: AZURE_ADAPTER_PATHS,
  message: 'Tests reach the Azure adapter through test/helpers/ (stores.ts, app.ts); only test/storage/ tests the adapter itself.',
};
/** The files allowed to name the adapter in src/. */
const COMPOSITION_ROOT = ['src/server.ts', 'src/server-support.ts', 'src/cli/transport.ts', 'src/storage/azure/**'];
const AZURE_SDK = { group: ['@azure/*'], message: 'Routes and services never see storage SDK types.' };
const WORKER_PORT = {
  group: ['**/storage/port', '**/storage/port.js', '**/storage/work-item-store', '**/storage/work-item-store.js', '**/worker/**'],
  message: 'Services depend on the management store port (src/storage/management-store.ts) only.',
};

const AS_NEVER = {
  selector: 'TSAsExpression > TSNeverKeyword',
  message: '`as never` switches type checking off; give the value its real type.',
};
const DF_INTERNALS = {
  selector: 'Literal[value=/^durable-functions\\u002Flib\\u002F/]',
  message: "Load durable-functions' internals through src/worker/df-internals.ts (it checks the installed version).",
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.taskhub/**', 'openapi/**', 'bin/**', 'coverage/**', 'bench/*.mjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  ...tseslint.configs.stylisticTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // `||` on a string is deliberate: an empty setting or header means absent.
      '@typescript-eslint/prefer-nullish-coalescing': ['error', { ignorePrimitives: { string: true } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // No-op methods (a progress bar that draws nothing, a close with nothing to close) are deliberate.
      '@typescript-eslint/no-empty-function': 'off',
      'no-restricted-properties': [
        'error',
        { object: 'describe', property: 'only' },
        { object: 'it', property: 'only' },
        { object: 'test', property: 'only' },
        { object: 'describe', property: 'skip' },
        { object: 'it', property: 'skip' },
        { object: 'test', property: 'skip' },
      ],
      'no-restricted-syntax': ['error', AS_NEVER],
    },
  },
  // Import rules of the layers (CONTRIBUTING.md). A later block replaces an earlier one's
  // no-restricted-imports for the files it matches, so each block lists every pattern it needs.
  {
    files: ['src/**/*.ts'],
    ignores: COMPOSITION_ROOT,
    rules: { 'no-restricted-imports': ['error', { patterns: [AZURE_ADAPTER] }] },
  },
  {
    files: ['test/**/*.ts'],
    ignores: ['test/storage/**', 'test/helpers/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [AZURE_ADAPTER_IN_TESTS] }] },
  },
  {
    files: ['test/**'],
    rules: {
      // Black-box tests read parsed JSON bodies (typed any by inject and supertest) field by field.
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      // `res.json() as T` reads as well as `res.json<T>()`.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', AS_NEVER, DF_INTERNALS] },
  },
  {
    files: ['src/**/*.ts'],
    ignores: COMPOSITION_ROOT,
    rules: { 'no-restricted-syntax': ['error', AS_NEVER, DF_INTERNALS, AZURE_ADAPTER_LOADED] },
  },
  {
    // Browser code shipped as-is (no build step): linted without type information.
    files: ['src/dashboard/assets/**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['src/routes/**', 'src/services/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [AZURE_ADAPTER, AZURE_SDK, WORKER_PORT] }] },
  },
  {
    files: ['src/domain/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../*', '../**'], message: 'src/domain imports nothing else of src/.' }] }],
    },
  },
);
