/** Downloads bytes under a file name, exactly as given, through a Blob URL and the browser's download. */
export function downloadBytes(bytes: Uint8Array, fileName: string, contentType = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob([bytes.slice()], { type: contentType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started once click() returns; revoking later keeps slow browsers safe.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
