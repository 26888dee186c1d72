import type { FastifyInstance } from 'fastify';

import type { CertificateDownloadFormat, CertificateInfo, RevocationReason } from '../../common/api/certificate';
import { EidError } from '../../common/errors';
import { certificateToPem } from '../ca';
import { formatName, parseName } from '../ca/distinguished-name';
import * as x509 from '../ca/x509';
import type { ServiceContext } from '../context';
import { clientAddress } from '../http/client-address';
import { defineRoute } from '../http/define-route';
import type { AccountContext } from '../store/store';
import { renderRevocationReceipt } from './receipt';
import { emergencyRevocation, ercMatches, ercThrottle, ercThrottleKey, notifyRevocation, publishRevocation, revokeCertificate } from './revoke';

interface DecodedCertificate {
  subject: string;
  issuer: string;
}

// Certificates never change once issued, so their decoded names are kept; the bound keeps memory flat.
const decodedNames = new Map<string, DecodedCertificate>();

function decodeNames(serialNumber: string, der: Uint8Array): DecodedCertificate {
  let decoded = decodedNames.get(serialNumber);
  if (!decoded) {
    const certificate = new x509.X509Certificate(new Uint8Array(der));
    decoded = { subject: formatName(parseName(certificate.subjectName.toArrayBuffer())), issuer: formatName(parseName(certificate.issuerName.toArrayBuffer())) };
    if (decodedNames.size >= 10_000) decodedNames.clear();
    decodedNames.set(serialNumber, decoded);
  }
  return decoded;
}

export function certificateInfo(account: AccountContext): CertificateInfo {
  const { certificate } = account;
  const names = decodeNames(certificate.serialNumber, certificate.der);
  return {
    kind: certificate.kind,
    status: certificate.status,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.notBefore,
    notAfter: certificate.notAfter,
    issuer: names.issuer,
    subject: names.subject,
    revokedAt: certificate.revokedAt,
    revocationReason: (certificate.revocationReason as RevocationReason | null) ?? null,
  };
}

/** Folds a name to printable ASCII for the plain `filename` parameter, which old clients read. */
export function asciiFileName(name: string): string {
  return name
    .replace(/Đ/g, 'D')
    .replace(/đ/g, 'd')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9 ._-]/g, '_');
}

/** RFC 8187 encoding of a parameter value: UTF-8, percent-encoded except the attr-char set. */
export function encodeRfc8187(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Builds a Content-Disposition attachment header with an ASCII fallback and the UTF-8 file name. */
export function attachmentDisposition(fileName: string): string {
  return `attachment; filename="${asciiFileName(fileName)}"; filename*=UTF-8''${encodeRfc8187(fileName)}`;
}

const downloads: Record<CertificateDownloadFormat, { contentType: string; suffix: string }> = {
  pem: { contentType: 'application/x-pem-file', suffix: '.pem' },
  der: { contentType: 'application/pkix-cert', suffix: '.cer' },
  'chain-pem': { contentType: 'application/x-pem-file', suffix: ' (chain).pem' },
  p7b: { contentType: 'application/pkcs7-mime', suffix: '.p7b' },
};

function certificateBytes(context: ServiceContext, der: Uint8Array, format: CertificateDownloadFormat): Buffer {
  switch (format) {
    case 'pem':
      return Buffer.from(certificateToPem(der), 'ascii');
    case 'der':
      return Buffer.from(der);
    case 'chain-pem':
      return Buffer.from(certificateToPem(der) + context.ca.issuingCertificatePem + context.ca.rootCertificatePem, 'ascii');
    case 'p7b': {
      const chain = new x509.X509Certificates([der, context.ca.issuingCertificateDer, context.ca.rootCertificateDer].map((bytes) => new x509.X509Certificate(new Uint8Array(bytes))));
      return Buffer.from(chain.export('raw'));
    }
  }
}

export function registerRevocationRoutes(app: FastifyInstance, context: ServiceContext): void {
  defineRoute(app, context, 'getCertificate', async ({ auth }) => certificateInfo(auth));

  defineRoute(app, context, 'downloadCertificate', async ({ auth, query, reply }) => {
    const format = query.format;
    const fileName = `${auth.holder.givenName} ${auth.holder.surname}${downloads[format].suffix}`;
    return reply
      .header('content-type', downloads[format].contentType)
      .header('content-disposition', attachmentDisposition(fileName))
      .header('cache-control', 'no-store')
      .send(certificateBytes(context, auth.certificate.der, format));
  });

  defineRoute(app, context, 'revokeCertificate', async ({ auth, body }) => {
    const key = ercThrottleKey(auth.certificate.id);
    await context.throttle.assertAllowed([key]);
    if (auth.certificate.status === 'revoked') throw new EidError('CERTIFICATE_ALREADY_REVOKED');

    if (!(await ercMatches(context, auth.certificate, body.erc))) {
      await context.throttle.recordFailure(key, ercThrottle);
      await context.store.appendAudit({
        at: context.now().toISOString(),
        event: 'revocation-erc-failed',
        actor: `holder:${auth.account.username}`,
        certificateId: auth.certificate.id,
      });
      throw new EidError('WRONG_ERC', { fields: [{ path: 'erc', code: 'WRONG_ERC' }] });
    }

    await context.throttle.clear(key);
    const result = await revokeCertificate(context, { certificate: auth.certificate, reason: body.reason, actor: `holder:${auth.account.username}` });
    await publishRevocation(context);
    await notifyRevocation(context, auth.certificate.id);
    return result;
  });

  defineRoute(app, context, 'getRevocationReceipt', async ({ auth, reply }) => {
    const { certificate, holder } = auth;
    if (certificate.status !== 'revoked' || certificate.revokedAt === null) throw new EidError('CERTIFICATE_NOT_REVOKED');

    const holderName = `${holder.givenName} ${holder.surname}`;
    const pdf = await renderRevocationReceipt({
      holderName,
      serialNumber: certificate.serialNumber,
      revokedAt: certificate.revokedAt,
      reason: (certificate.revocationReason as RevocationReason | null) ?? 'unspecified',
      issuer: decodeNames(certificate.serialNumber, certificate.der).issuer,
    });
    return reply
      .header('content-type', 'application/pdf')
      .header('content-disposition', attachmentDisposition(`${holderName} - revocation receipt.pdf`))
      .header('cache-control', 'no-store')
      .send(Buffer.from(pdf));
  });

  defineRoute(app, context, 'emergencyRevocation', async ({ body, request }) => {
    await emergencyRevocation(context, { ...body, address: clientAddress(request) });
    return { status: 'received' as const };
  });
}
