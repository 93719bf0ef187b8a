/**
 * The project's only `typed-function` instance (docs/engine.md rule 14). It dispatches on runtime
 * argument types at the public API boundary only (tensor creation, `Tensor | number` operands, shape
 * arguments given as an array or as separate sizes). Kernels and internal calls never go through it.
 *
 * Registered types, tested in this order: `Tensor` (instanceof), `TypedArray` (ArrayBuffer.isView minus
 * DataView), then the library's built-ins (`number`, `boolean`, `Array`, `Object`, …).
 * No automatic number→Tensor conversion: mixed signatures are written out so that scalar dtype
 * semantics stay explicit.
 */
import typedFunction from 'typed-function';
import { Tensor } from './tensor.js';

export const typed = typedFunction.create();

typed.addTypes(
  [
    { name: 'Tensor', test: (x: unknown) => x instanceof Tensor },
    { name: 'TypedArray', test: (x: unknown) => ArrayBuffer.isView(x) && !(x instanceof DataView) },
  ],
  'Object',
);
