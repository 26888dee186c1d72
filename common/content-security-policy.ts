/**
 * The Content-Security-Policy of the portal pages, the same in the browser (sent by the service)
 * and in the desktop window (added by main): only the app's own scripts, styles and connections,
 * images also from data: URLs, and no plugins, base URL changes or framing. renderer/index.html
 * repeats it in a meta tag, without frame-ancestors, for pages loaded from disk.
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
