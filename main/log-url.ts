/**
 * Describes a URL for a log line by its origin, or a file URL by its path. The query and the
 * fragment are left out because they may carry user data.
 */
export function describeUrlForLog(url: string | undefined): string {
  if (url === undefined) return '(none)';
  const parsed = URL.parse(url);
  if (parsed === null) return '(invalid URL)';
  if (parsed.protocol === 'file:') return `file://${parsed.host}${parsed.pathname}`;
  if (parsed.origin === 'null') return `${parsed.protocol}(opaque)`;
  return parsed.origin;
}
