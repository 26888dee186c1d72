import type { FastifyInstance } from 'fastify';

import type { ContractSummary } from '../../common/api/contracts';
import type { ServiceContext } from '../context';
import { assertFound } from '../context';
import { defineRoute } from '../http/define-route';
import { SqliteContractStore, type ContractSummaryRecord } from './contracts-store';
import { checkContractSignature } from './verify';

export function contractFileName(contract: Pick<ContractSummaryRecord, 'certificateSerialNumber' | 'language'>): string {
  return `eid-contract-${contract.certificateSerialNumber}-${contract.language}.pdf`;
}

function toSummary(contract: ContractSummaryRecord): ContractSummary {
  return {
    id: contract.id,
    language: contract.language,
    certificateKind: contract.certificateKind,
    certificateSerialNumber: contract.certificateSerialNumber,
    sha256: contract.sha256,
    sizeBytes: contract.sizeBytes,
    createdAt: contract.createdAt,
    signedAt: contract.signedAt,
    fileName: contractFileName(contract),
  };
}

/** Registers the contract routes. Each route reads only the signed-in certificate's contracts. */
export function registerContractRoutes(app: FastifyInstance, context: ServiceContext): void {
  const contracts = new SqliteContractStore(context.store);

  defineRoute(app, context, 'listContracts', async ({ auth }) => ({
    contracts: (await contracts.listForCertificate(auth.certificate.id)).map(toSummary),
  }));

  defineRoute(app, context, 'getContractPdf', async ({ auth, params, reply }) => {
    const contract = assertFound(await contracts.getForCertificate(params.id, auth.certificate.id));
    // The stored bytes go out unchanged: saving a signed PDF again would break its signature.
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="${contractFileName(contract)}"`)
      .header('content-length', contract.pdf.length)
      .send(contract.pdf);
  });

  defineRoute(app, context, 'getContractVerification', async ({ auth, params }) => {
    const contract = assertFound(await contracts.getForCertificate(params.id, auth.certificate.id));
    const result = await checkContractSignature(
      {
        pdf: contract.pdf,
        storedSha256: contract.sha256,
        storedSignedAt: contract.signedAt,
        trustedRootsDer: [context.ca.rootCertificateDer],
        certificateStatus: (serialNumber) => contracts.certificateStatus(serialNumber),
      },
      (error) => context.logger.warn({ err: error, contractId: contract.id }, 'the contract signature could not be decoded'),
    );
    if (result.verdict !== 'valid') context.logger.info({ contractId: contract.id, verdict: result.verdict, reason: result.reason }, 'contract check did not pass');
    return { ...result, contractId: contract.id, rootCertificateUrl: '/pki/root.crt', checkedAt: context.now().toISOString() };
  });
}
