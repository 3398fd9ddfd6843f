import { RecError } from '@ed2/core';
import { Resvg } from '@resvg/resvg-js';

/** A Vega-Lite specification as plain JSON (kept loose: vega-lite's types are ESM-only). */
export type ChartSpec = Readonly<Record<string, unknown>>;

export interface RenderedChart {
  readonly svg: string;
  readonly png: Buffer;
  /** Pixel size of the PNG. */
  readonly width: number;
  readonly height: number;
}

interface VegaLiteModule { compile(spec: unknown): { spec: unknown } }
interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
}

// vega and vega-lite are ESM-only packages with top-level await, so `require()` cannot load them. TypeScript's
// CommonJS output rewrites a literal `import()` into `require()`; a Function-built import() is left alone and
// stays a real dynamic import of Node's ESM loader (resolved from this file's location, as require would be).
const nativeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

async function importEsm(specifier: string): Promise<unknown> {
  try {
    return await nativeImport(specifier);
  } catch (e) {
    // Under a vm-based runner (vitest runs the TypeScript sources) Function-built code has no dynamic-import hook;
    // there the source is ESM and the runner's own transform serves a literal import().
    if ((e as { code?: string }).code === 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') return import(specifier);
    throw e;
  }
}

let loaded: Promise<{ vl: VegaLiteModule; vega: VegaModule }> | undefined;

function load(): Promise<{ vl: VegaLiteModule; vega: VegaModule }> {
  loaded ??= Promise.all([importEsm('vega-lite'), importEsm('vega')])
    .then(([vl, vega]) => ({ vl: vl as VegaLiteModule, vega: vega as VegaModule }))
    .catch((e: unknown) => {
      loaded = undefined;
      throw new RecError('E_UNSUPPORTED', `charts need the vega and vega-lite packages, which failed to load: ${(e as Error).message}`, { hint: 'Reinstall the dependencies (npm ci); vega and vega-lite are dependencies of @ed2/eval.', cause: e });
    });
  return loaded;
}

/**
 * Vega-Lite spec → SVG (vega's headless renderer) → PNG (resvg, `scale`× the spec's pixel size).
 * Text uses the system's fonts (DejaVu Sans where installed); without fonts the marks still render.
 */
export async function renderChartPng(spec: ChartSpec, options: { readonly scale?: number } = {}): Promise<RenderedChart> {
  const { vl, vega } = await load();
  const compiled = vl.compile({ $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', config: { font: 'DejaVu Sans, sans-serif' }, ...spec }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  let svg: string;
  try {
    svg = await view.toSVG();
  } finally {
    view.finalize();
  }
  const image = new Resvg(svg, { fitTo: { mode: 'zoom', value: options.scale ?? 2 }, font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' } }).render();
  return { svg, png: image.asPng(), width: image.width, height: image.height };
}
