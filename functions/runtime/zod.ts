/**
 * The part of zod the functions use, re-exported by name. Importing `{ z }` from 'zod' pulls the
 * whole library (every locale) into each bundle, about 450 KB minified; named exports let esbuild
 * keep only what is used (about 85 KB). Functions import `* as z from './runtime/zod.js'`.
 */
export {
  array,
  boolean,
  coerce,
  discriminatedUnion,
  enum,
  guid,
  type infer,
  type input,
  iso,
  literal,
  number,
  object,
  record,
  strictObject,
  string,
  union,
  unknown,
  type ZodError,
  type ZodObject,
  type ZodType,
} from 'zod';
