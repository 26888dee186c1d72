import { useBridge } from './bridge';
import { downloadBytes } from './download';

/**
 * Saves bytes as a file. The desktop app asks where with the OS save dialog, and the browser
 * portal downloads them. Returns false when the user cancelled the dialog.
 */
export async function saveFile(bytes: Uint8Array, fileName: string, contentType: string): Promise<boolean> {
  const bridge = useBridge();
  if (bridge.saveFile) return bridge.saveFile(bytes, fileName, contentType);
  downloadBytes(bytes, fileName, contentType);
  return true;
}
