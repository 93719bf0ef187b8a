/**
 * The playground page: three panels (circuit, feature, distillation) built from the library's own
 * modules. Marks `first-render` (Performance API) in the frame that paints the first panel and
 * `panels-built` when all three exist.
 */
import { kernelsMode, wasmSimdSupported } from '../src/index.js';
import { circuitPanel } from './circuit-panel.js';
import { distillPanel } from './distill-panel.js';
import { featurePanel } from './feature-panel.js';

function panel(id: string): HTMLElement {
  const node = document.getElementById(id);
  if (!node) throw new Error(`playground: the page has no element #${id}`);
  return node;
}

const kernels = document.getElementById('kernels');
if (kernels) kernels.textContent = `kernels: ${kernelsMode() === 'simd' ? 'WebAssembly SIMD' : 'JavaScript'} (SIMD ${wasmSimdSupported() ? 'available' : 'not available'} in this browser)`;
circuitPanel(panel('circuit'));
requestAnimationFrame(() => performance.mark('first-render'));
// The other panels are built after the first one is painted.
setTimeout(() => {
  featurePanel(panel('feature'));
  distillPanel(panel('distill'));
  performance.mark('panels-built');
  document.body.dataset['ready'] = 'true';
}, 0);
