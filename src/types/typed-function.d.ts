/** Minimal typings for typed-function 4.2.2 (the package ships none); only what dispatch.ts uses. */
declare module 'typed-function' {
  export interface TypedType {
    name: string;
    test: (x: unknown) => boolean;
  }
  export interface TypedFunctionInstance {
    (name: string, signatures: Record<string, (...args: any[]) => unknown>): (...args: any[]) => any;
    create(): TypedFunctionInstance;
    addType(type: TypedType, beforeObjectTest?: boolean): void;
    clear(): void;
    addTypes(types: TypedType[], beforeSpec?: string): void;
  }
  const typed: TypedFunctionInstance;
  export default typed;
}
