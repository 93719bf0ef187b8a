/**
 * `ExportError`: what the export layer throws for anything a user can cause (an unsupported layer, a
 * student without a frozen feature, a file that is not a pqkd export). One line, naming the layer,
 * field or file, what was expected and what came.
 */
export class ExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportError';
  }
}
