/**
 * "Read the kernel": the opening comment of each source file a panel runs, bundled at build time by
 * playground/build.mjs (which also copies the files to site/source/ so the links work offline).
 */
import { h } from './dom.js';

export interface KernelNote {
  title: string;
  path: string;
  comment: string;
}

declare const __KERNEL_NOTES__: Record<string, KernelNote>;

/** The bundled notes (empty when the page is bundled without the build script's define). */
export function kernelNotes(): Record<string, KernelNote> {
  return typeof __KERNEL_NOTES__ === 'undefined' ? {} : __KERNEL_NOTES__;
}

/** A "Read the kernel" box listing the given notes, each expandable to its opening comment. */
export function readTheKernel(ids: string[]): HTMLElement {
  const notes = kernelNotes();
  const items = ids.map((id) => {
    const note = notes[id];
    if (!note) throw new Error(`readTheKernel: no bundled note '${id}' (known: ${Object.keys(notes).join(', ')})`);
    return h('details', { class: 'kernel-note', 'data-kernel': id },
      h('summary', {}, h('strong', {}, note.title), ' — ', h('a', { href: `source/${note.path}`, target: '_blank', rel: 'noopener' }, note.path)),
      h('pre', {}, note.comment));
  });
  return h('aside', { class: 'read-kernel' }, h('h3', {}, 'Read the kernel'), ...items);
}
