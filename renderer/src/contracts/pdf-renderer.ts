/**
 * The PDF viewer's use of pdf.js. The viewer imports this module dynamically, so pdf.js and its
 * worker load only when a contract is opened.
 */
import { getDocument, GlobalWorkerOptions, TextLayer, type PDFDocumentProxy, type RenderTask } from 'pdfjs-dist';
// The worker is a separate same-origin file, which the portal's `script-src 'self'` allows.
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

GlobalWorkerOptions.workerSrc = workerUrl;

export interface OpenedPdf {
  pageCount: number;
  /** Renders one page into the canvas and its text into `textLayer`, after cancelling the previous render. */
  renderPage(pageNumber: number, scale: number, target: { canvas: HTMLCanvasElement; textLayer: HTMLElement; page: HTMLElement }): Promise<void>;
  close(): Promise<void>;
}

/** Opens a PDF from a copy of its bytes, because pdf.js moves its input to the worker. */
export async function openPdf(bytes: Uint8Array): Promise<OpenedPdf> {
  const loadingTask = getDocument({
    data: bytes.slice(),
    // Contracts embed their fonts, so the standard font files and the wasm decoders are never needed.
    useSystemFonts: false,
    useWasm: false,
    enableXfa: false,
  });
  const document: PDFDocumentProxy = await loadingTask.promise;

  let renderTask: RenderTask | null = null;
  let textLayer: TextLayer | null = null;

  return {
    pageCount: document.numPages,
    async renderPage(pageNumber, scale, target) {
      renderTask?.cancel();
      textLayer?.cancel();

      const page = await document.getPage(pageNumber);
      const viewport = page.getViewport({ scale });
      const outputScale = window.devicePixelRatio || 1;

      target.canvas.width = Math.floor(viewport.width * outputScale);
      target.canvas.height = Math.floor(viewport.height * outputScale);
      // CSSOM properties set from script are allowed under `style-src 'self'`; only style
      // attributes in markup are not.
      target.canvas.style.width = `${Math.floor(viewport.width)}px`;
      target.canvas.style.height = `${Math.floor(viewport.height)}px`;
      target.page.style.setProperty('--scale-factor', String(scale));
      target.page.style.setProperty('--total-scale-factor', String(scale));

      renderTask = page.render({
        canvas: target.canvas,
        viewport,
        transform: outputScale === 1 ? undefined : [outputScale, 0, 0, outputScale, 0, 0],
      });
      await renderTask.promise;

      target.textLayer.replaceChildren();
      textLayer = new TextLayer({ textContentSource: page.streamTextContent(), container: target.textLayer, viewport });
      await textLayer.render();
    },
    async close() {
      renderTask?.cancel();
      textLayer?.cancel();
      await loadingTask.destroy();
    },
  };
}

/** Returns whether an error only reports a render that a newer one replaced. */
export function isCancelledRender(error: unknown): boolean {
  return error instanceof Error && (error.name === 'RenderingCancelledException' || error.name === 'AbortException');
}
