/** Encodes DER bytes as PEM with 64-character base64 lines, as RFC 7468 section 2 prescribes. */
export function derToPem(der: Uint8Array, label: string): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Encodes a DER certificate as a PEM "CERTIFICATE" block. */
export function certificateToPem(der: Uint8Array): string {
  return derToPem(der, 'CERTIFICATE');
}
