// The team's size limits (docs/development.md): no production source file over 400 lines and no
// function over 80, counting every line. Tests, test utilities and generated code are exempt.
// Each package's .eslintrc.js adds this override; `yarn lint` and CI's `backstage-cli repo lint` fail on it.
module.exports = {
  files: ['src/**/*.{ts,tsx}'],
  excludedFiles: [
    '**/*.test.{ts,tsx}',
    '**/__testUtils__/**',
    '**/testing/**',
    '**/generated/**',
    'src/setupTests.ts',
  ],
  rules: {
    'max-lines': [
      'error',
      { max: 400, skipBlankLines: false, skipComments: false },
    ],
    'max-lines-per-function': [
      'error',
      { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true },
    ],
  },
};
