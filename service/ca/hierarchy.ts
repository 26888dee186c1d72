import { caDistinguishedName, caNames } from './names';
import { exportEncryptedPrivateKeyPem, generateCaKeyPair } from './keys';
import { generateSerialNumberHex } from './serial-number';
import { certificateValidity } from './validity';
import * as x509 from './x509';

/** The validity of the root CA certificate in years. */
export const rootValidityYears = 20;
/** The validity of the issuing CA certificate in years. */
export const issuingValidityYears = 10;

/** A freshly created CA: the two certificates and both private keys as encrypted PKCS#8 PEM. */
export interface CreatedHierarchy {
  rootCertificate: x509.X509Certificate;
  issuingCertificate: x509.X509Certificate;
  rootKeyPem: string;
  issuingKeyPem: string;
}

/**
 * Creates a self-signed root CA and an issuing CA under it, both ECDSA P-256. The private keys
 * leave this function only encrypted, so nothing references the root key after it has signed the
 * issuing CA. The caller loads the issuing key back from its file.
 */
export async function createHierarchy(crypto: Crypto, passphrase: string, now: Date): Promise<CreatedHierarchy> {
  const rootValidity = certificateValidity(now, rootValidityYears);
  const issuingValidity = certificateValidity(now, issuingValidityYears, rootValidity);

  const rootKeys = await generateCaKeyPair(crypto);
  const rootCertificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: generateSerialNumberHex(crypto),
      name: caDistinguishedName(caNames.rootCommonName),
      ...rootValidity,
      keys: rootKeys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );

  const issuingKeys = await generateCaKeyPair(crypto);
  const rootKeyIdentifier = rootCertificate.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId;
  const issuingCertificate = await x509.X509CertificateGenerator.create(
    {
      serialNumber: generateSerialNumberHex(crypto),
      subject: caDistinguishedName(caNames.issuingCommonName),
      issuer: rootCertificate.subjectName,
      ...issuingValidity,
      publicKey: issuingKeys.publicKey,
      signingKey: rootKeys.privateKey,
      extensions: [
        // pathLen 0: the issuing CA signs end-entity certificates only.
        new x509.BasicConstraintsExtension(true, 0, true),
        // digitalSignature lets the issuing CA sign OCSP responses itself (RFC 6960 section 4.2.2.2).
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
        await x509.SubjectKeyIdentifierExtension.create(issuingKeys.publicKey, false, crypto),
        new x509.AuthorityKeyIdentifierExtension(rootKeyIdentifier),
      ],
    },
    crypto,
  );

  return {
    rootCertificate,
    issuingCertificate,
    rootKeyPem: await exportEncryptedPrivateKeyPem(rootKeys.privateKey, crypto, passphrase),
    issuingKeyPem: await exportEncryptedPrivateKeyPem(issuingKeys.privateKey, crypto, passphrase),
  };
}
