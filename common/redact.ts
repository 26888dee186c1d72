/**
 * The one redaction function every log line passes through (service and desktop main). It
 * masks secrets by key name and, inside any string, the values that identify or authorise a
 * holder: personal numbers, phone numbers, bearer tokens and email addresses.
 */

const secretKeys = new Set([
  'password',
  'currentpassword',
  'newpassword',
  'pin',
  'currentpin',
  'newpin',
  'puk',
  'currentpuk',
  'newpuk',
  'erc',
  'code',
  'token',
  'authorization',
  'cookie',
  'setcookie',
  'secret',
  'privatekey',
  'key',
  'passphrase',
  'personalnumber',
  'phone',
  'phonenumber',
  'email',
]);

const maskedValue = '[redacted]';

const valuePatterns: Array<[RegExp, string]> = [
  [/Bearer\s+[A-Za-z0-9._~+/=-]+/gi, 'Bearer [redacted]'],
  [/(eid_session=)[^;\s]+/g, '$1[redacted]'],
  // Phone numbers before personal numbers: an E.164 number may contain 10 digits in a row.
  [/\+\d[\d ]{7,17}\d/g, '[phone]'],
  // Not inside a longer run of letters and digits, so hex values such as certificate serial
  // numbers keep their decimal runs.
  [/(?<![0-9A-Za-z])\d{10}(?![0-9A-Za-z])/g, '[personal-number]'],
  [/[^\s@"'<>]+@[^\s@"'<>]+\.[A-Za-z]{2,}/g, '[email]'],
];

function redactString(value: string): string {
  let result = value;
  for (const [pattern, replacement] of valuePatterns) result = result.replace(pattern, replacement);
  return result;
}

function isSecretKey(key: string): boolean {
  return secretKeys.has(key.toLowerCase().replace(/[_-]/g, ''));
}

/** Returns a copy of `value` with secrets masked; safe on cycles and any JSON-like shape. */
export function redact(value: unknown, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);

  if (value instanceof Error) {
    return { type: value.name, message: redactString(value.message), stack: value.stack ? redactString(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, seen));
  if (value instanceof Uint8Array) return `[${value.byteLength} bytes]`;

  // Instances of other classes (an HTTP request, a response) are left to the logger's
  // serializers, which pick the few fields worth logging; copying their own properties here
  // would lose those fields.
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (prototype !== Object.prototype && prototype !== null) return value;

  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = isSecretKey(key) ? maskedValue : redact(item, seen);
  }
  return result;
}
