// Types for every GraphQL operation in src/, generated from the gateway's schema (schema.graphql,
// exported with `cargo run -p ferrodesk-ctl -- schema`). `npm run codegen` writes src/gql/;
// infra/web-test.sh regenerates into a scratch directory (CODEGEN_OUT) and fails on a difference.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['src/**/*.{ts,tsx}', '!src/gql/**/*'],
  generates: {
    [process.env.CODEGEN_OUT ?? 'src/gql/']: {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        enumsAsTypes: true,
        onlyOperationTypes: true,
        useTypeImports: true,
        strictScalars: true,
        scalars: { DateTime: 'string', NaiveDate: 'string', JSON: 'unknown' },
      },
    },
  },
  silent: true,
};

export default config;
