import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { ContractLanguage } from '../../common/api/contracts';
import type { CertificateKind } from '../../common/domain';

export interface ContractSection {
  heading: string;
  paragraphs: string[];
}

/** The wording of a contract in one language, from resources/contracts/<language>.json. */
export interface ContractTemplate {
  title: string;
  subtitle: string;
  intro: string;
  introSeal: string;
  holderHeading: string;
  certificateHeading: string;
  fields: Record<'givenName' | 'surname' | 'personalNumber' | 'businessName' | 'businessNumber' | 'kind' | 'serial' | 'notBefore' | 'notAfter' | 'date', string>;
  kinds: Record<CertificateKind, string>;
  /** The clauses, one array per page, so every language breaks pages at the same clauses. */
  pages: ContractSection[][];
  signatureHeading: string;
  signatureSignedBy: string;
  signatureCertificate: string;
  signatureDate: string;
  signatureNote: string;
  signatureReason: string;
  signatureLocation: string;
  footer: string;
}

const templates = new Map<ContractLanguage, ContractTemplate>();

export function loadContractTemplate(language: ContractLanguage): ContractTemplate {
  let template = templates.get(language);
  if (!template) {
    const file = fileURLToPath(new URL(`../../resources/contracts/${language}.json`, import.meta.url));
    template = JSON.parse(readFileSync(file, 'utf8')) as ContractTemplate;
    templates.set(language, template);
  }
  return template;
}

/** Replaces each `{name}` with its value; a placeholder without a value is a defect in the template. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(/\{([A-Za-z]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`The contract template uses {${name}}, which has no value.`);
    return value;
  });
}
