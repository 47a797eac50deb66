// A flat config that runs cors-lint's rules on every JavaScript, TypeScript, Python and nginx file of this project.
import cors from 'cors-lint/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  ...cors.configs.recommended,
  // TypeScript files need typescript-eslint's parser, as for any other ESLint rule.
  { files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser } },
];
