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
  /** Returns the width of a page at 100 %, in CSS pixels. */
  pageWidth(pageNumber: number): Promise<number>;
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
  // pdf.js rejects a second render into a canvas that is still busy, so each render waits for the
  // previous one to settle, and a render that a newer one replaced while waiting stops early.
  let latestRender = 0;
  let previousRender: Promise<unknown> = Promise.resolve();

  return {
    pageCount: document.numPages,
    async pageWidth(pageNumber) {
      const page = await document.getPage(pageNumber);
      return page.getViewport({ scale: 1 }).width;
    },
    async renderPage(pageNumber, scale, target) {
      const thisRender = ++latestRender;
      renderTask?.cancel();
      textLayer?.cancel();
      await previousRender.catch(() => undefined);

      const page = await document.getPage(pageNumber);
      if (thisRender !== latestRender) throw cancelledRender();
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
      previousRender = renderTask.promise;
      await renderTask.promise;
      if (thisRender !== latestRender) throw cancelledRender();

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

function cancelledRender(): Error {
  const error = new Error('A newer render replaced this one.');
  error.name = 'RenderingCancelledException';
  return error;
}

/** Returns whether an error only reports a render that a newer one replaced. */
export function isCancelledRender(error: unknown): boolean {
  return error instanceof Error && (error.name === 'RenderingCancelledException' || error.name === 'AbortException');
}
