/**
 * The certificate authority of digital ID certificates: a root CA and an issuing CA kept in a
 * directory, the holder certificate profile and its decoder.
 */
export { createCertificateAuthority, digitalIdValidityYears, normalizePublicUrl } from './authority';
export type { CertificateAuthority, DigitalIdRequest, IssuedCertificate, SigningAuthorityParams } from './authority';
export type { DigitalSealRequest } from './authority';
export { decodeSealCertificate, NotADigitalSealError } from './seal';
export type { DigitalSealBusiness, SealCertificateData } from './seal';
export { caFileNames, IncompleteCaError } from './ca-files';
export { decodeHolderCertificate, NotADigitalIdError } from './decode';
export type { HolderCertificateData } from './decode';
export { InvalidCertificateRequestError, maxCommonNameLength } from './holder';
export type { DigitalIdHolder } from './holder';
export { issuingValidityYears, rootValidityYears } from './hierarchy';
export { CaKeyError } from './keys';
export { caNames } from './names';
export { openCertificateAuthority } from './open';
export type { OpenCertificateAuthorityOptions } from './open';
export { certificateToPem } from './pem';
export { publicationUrls } from './profile';
