/** The attributes of an X.509 subject that the profile names in the user's language. */
export type SubjectAttributeKey =
  | 'commonName'
  | 'givenName'
  | 'surname'
  | 'serialNumber'
  | 'country'
  | 'locality'
  | 'stateOrProvince'
  | 'organization'
  | 'organizationalUnit'
  | 'organizationIdentifier'
  | 'email'
  | 'title'
  | 'initials'
  | 'domainComponent';

export interface SubjectAttribute {
  /** The attribute type as written in the name: a short name (CN) or a dotted OID (2.5.4.5). */
  type: string;
  /** The known attribute, or null for a type this list does not name. */
  key: SubjectAttributeKey | null;
  value: string;
}

// Short names as RFC 4514, OpenSSL and @peculiar/x509 write them, plus the OIDs that
// @peculiar/x509 prints for attributes without a short name (serialNumber, organizationIdentifier).
const attributeKeys: Record<string, SubjectAttributeKey> = {
  CN: 'commonName',
  '2.5.4.3': 'commonName',
  G: 'givenName',
  GN: 'givenName',
  GIVENNAME: 'givenName',
  '2.5.4.42': 'givenName',
  SN: 'surname',
  SURNAME: 'surname',
  '2.5.4.4': 'surname',
  SERIALNUMBER: 'serialNumber',
  '2.5.4.5': 'serialNumber',
  C: 'country',
  '2.5.4.6': 'country',
  L: 'locality',
  '2.5.4.7': 'locality',
  ST: 'stateOrProvince',
  '2.5.4.8': 'stateOrProvince',
  O: 'organization',
  '2.5.4.10': 'organization',
  OU: 'organizationalUnit',
  '2.5.4.11': 'organizationalUnit',
  ORGANIZATIONIDENTIFIER: 'organizationIdentifier',
  '2.5.4.97': 'organizationIdentifier',
  E: 'email',
  EMAILADDRESS: 'email',
  '1.2.840.113549.1.9.1': 'email',
  T: 'title',
  TITLE: 'title',
  '2.5.4.12': 'title',
  I: 'initials',
  INITIALS: 'initials',
  '2.5.4.43': 'initials',
  DC: 'domainComponent',
  '0.9.2342.19200300.100.1.25': 'domainComponent',
};

const utf8 = new TextDecoder('utf-8');

/** Decodes an RFC 4514 attribute value: backslash escapes, `\XX` hex bytes (UTF-8) and quotes. */
function decodeValue(raw: string): string {
  // Trailing spaces are insignificant unless escaped, and the escape keeps one.
  const trimmed = raw.trim();
  const escapedSpace = /(?:^|[^\\])(?:\\\\)*\\$/.test(trimmed) && trimmed.length < raw.trimStart().length;
  let text = escapedSpace ? `${trimmed} ` : trimmed;
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) text = text.slice(1, -1);

  const bytes: number[] = [];
  let decoded = '';
  const flushBytes = () => {
    if (bytes.length > 0) decoded += utf8.decode(new Uint8Array(bytes.splice(0)));
  };

  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char !== '\\' || index === text.length - 1) {
      flushBytes();
      decoded += char;
      continue;
    }
    const hex = text.slice(index + 1, index + 3);
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else {
      flushBytes();
      decoded += text[index + 1];
      index += 1;
    }
  }
  flushBytes();
  return decoded;
}

/**
 * Splits a distinguished name string (`CN=Arbër Çelaj, 2.5.4.5=PNOXK-1176001727, C=XK`) into
 * its attributes, in the order written. Separators are unescaped `,`, `;` and `+` outside
 * quotes. Returns an empty list when a part has no `=`, so the caller can show the raw text.
 */
export function parseDistinguishedName(name: string): SubjectAttribute[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;

  for (let index = 0; index < name.length; index++) {
    const char = name[index]!;
    if (char === '\\' && index + 1 < name.length) {
      current += char + name[index + 1];
      index += 1;
    } else if (char === '"') {
      quoted = !quoted;
      current += char;
    } else if (!quoted && (char === ',' || char === ';' || char === '+')) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim() !== '') parts.push(current);

  const attributes: SubjectAttribute[] = [];
  for (const part of parts) {
    const separator = part.indexOf('=');
    if (separator <= 0) return [];

    const type = part.slice(0, separator).trim().replace(/^OID\./i, '');
    attributes.push({ type, key: attributeKeys[type.toUpperCase()] ?? null, value: decodeValue(part.slice(separator + 1)) });
  }
  return attributes;
}
