/**
 * The Content-Security-Policy of the portal pages. The service sends it to browsers and main adds
 * it in the desktop window. It allows only the app's own scripts, styles and connections, and
 * images also from data: URLs; it forbids plugins, base URL changes and framing.
 * renderer/index.html repeats it in a meta tag, without frame-ancestors, for pages loaded from disk.
 */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');
