/**
 * Generates a certificate serial number as hex: 16 random bytes with the high bit cleared, so
 * the DER INTEGER is positive without a padding byte, and a non-zero first byte, so it keeps all
 * 16 bytes. That leaves about 127 random bits. The CA/Browser Forum Baseline Requirements
 * (section 7.1, since ballot 164) ask for 64, so that a hash collision cannot be prepared, and
 * 127 bits also make two equal serials practically impossible without a registry of used ones.
 */
export function generateSerialNumberHex(crypto: Crypto): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f;
  if (bytes[0] === 0) bytes[0] = 1;
  return Buffer.from(bytes).toString('hex');
}
