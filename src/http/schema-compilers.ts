import type { FastifyServerOptions } from 'fastify';
import { lazy } from '../shared/lazy.js';

type Factories = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorFactory = NonNullable<Factories['buildValidator']>;
type SerializerFactory = NonNullable<Factories['buildSerializer']>;

const validatorFactory = lazy<() => ValidatorFactory>('@fastify/ajv-compiler');
const serializerFactory = lazy<() => SerializerFactory>('@fastify/fast-json-stringify-compiler');

/**
 * Fastify's JSON Schema compilers — ajv to validate, fast-json-stringify to serialise — made the
 * first time a route with a schema asks for one, rather than when the app is built, which is
 * Fastify's own default. The shop checks what comes in with zod and renders its own pages, so
 * none of its routes has a schema, and a shop at rest holds neither (ajv alone is some ninety
 * modules). Each app gets its own, as with Fastify's default, and a plugin route with a schema
 * gets the very compilers Fastify would have made.
 */
export function lazySchemaCompilers(): NonNullable<FastifyServerOptions['schemaController']> {
  let validator: ValidatorFactory | undefined;
  let serializer: SerializerFactory | undefined;
  return {
    compilersFactory: {
      buildValidator: ((...args: Parameters<ValidatorFactory>) =>
        (validator ??= validatorFactory()())(...(args as [never, never]))) as ValidatorFactory,
      buildSerializer: ((...args: Parameters<SerializerFactory>) =>
        (serializer ??= serializerFactory()())(...(args as [never, never]))) as SerializerFactory,
    },
  };
}
