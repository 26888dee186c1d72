import fontkit from '@pdf-lib/fontkit';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PDFDocument, rgb } from 'pdf-lib';

import type { RevocationReason } from '../../common/api/certificate';

export interface RevocationReceiptData {
  holderName: string;
  serialNumber: string;
  /** ISO 8601. */
  revokedAt: string;
  reason: RevocationReason;
  issuer: string;
}

// DejaVu Sans covers every Albanian and Serbian Latin letter (ë ç č ć đ š ž and capitals).
const fontDirectory = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
let fonts: { regular: Buffer; bold: Buffer } | undefined;

// The receipt is in Albanian, Serbian (Latin) and English, the portal's languages, so one
// document serves every holder and every office that reads it.
const reasonLabels: Record<RevocationReason, string> = {
  unspecified: 'Pa arsye të specifikuar / Bez navedenog razloga / Unspecified',
  keyCompromise: 'Çelësi i komprometuar / Kompromitovan ključ / Key compromise',
  affiliationChanged: 'Ndryshim i të dhënave / Promena podataka / Affiliation changed',
  superseded: 'I zëvendësuar / Zamenjen / Superseded',
  cessationOfOperation: 'Ndërprerje e përdorimit / Prestanak korišćenja / Cessation of operation',
};

function formatUtc(iso: string): string {
  const date = new Date(iso);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}.${pad(date.getUTCMonth() + 1)}.${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC`;
}

/** Renders the one-page revocation receipt as PDF bytes. */
export async function renderRevocationReceipt(data: RevocationReceiptData): Promise<Uint8Array> {
  fonts ??= {
    regular: readFileSync(path.join(fontDirectory, 'DejaVuSans.ttf')),
    bold: readFileSync(path.join(fontDirectory, 'DejaVuSans-Bold.ttf')),
  };

  const document = await PDFDocument.create();
  document.registerFontkit(fontkit);
  document.setTitle('Dëftesë e revokimit / Potvrda o opozivu / Revocation receipt');
  document.setCreator('eID Self-Service');
  document.setCreationDate(new Date(data.revokedAt));
  const regular = await document.embedFont(fonts.regular, { subset: true });
  const bold = await document.embedFont(fonts.bold, { subset: true });

  // A4 in PDF points.
  const page = document.addPage([595.28, 841.89]);
  const margin = 64;
  const textColour = rgb(0.1, 0.1, 0.12);
  let y = 841.89 - margin;

  page.drawText('Dëftesë e revokimit të certifikatës', { x: margin, y, size: 18, font: bold, color: textColour });
  y -= 22;
  for (const subtitle of ['Potvrda o opozivu sertifikata', 'Certificate revocation receipt']) {
    page.drawText(subtitle, { x: margin, y, size: 12, font: regular, color: textColour });
    y -= 17;
  }
  y -= 23;

  const rows: Array<[string, string]> = [
    ['Mbajtësi / Imalac / Holder', data.holderName],
    ['Numri serik / Serijski broj / Serial number', data.serialNumber],
    ['Revokuar më / Opozvan / Revoked at', formatUtc(data.revokedAt)],
    ['Arsyeja / Razlog / Reason', reasonLabels[data.reason]],
    ['Lëshuesi / Izdavalac / Issuer', data.issuer],
  ];
  for (const [label, value] of rows) {
    page.drawText(label, { x: margin, y, size: 10, font: bold, color: textColour });
    y -= 15;
    page.drawText(value, { x: margin, y, size: 10.5, font: regular, color: textColour, maxWidth: 595.28 - 2 * margin });
    y -= 26;
  }

  y -= 10;
  for (const line of [
    'Revokimi është i pakthyeshëm. Certifikata nuk mund të përdoret më për nënshkrim.',
    'Opoziv je nepovratan. Sertifikat se više ne može koristiti za potpisivanje.',
    'The revocation is irreversible. The certificate can no longer be used for signing.',
  ]) {
    page.drawText(line, { x: margin, y, size: 9.5, font: regular, color: textColour });
    y -= 14;
  }

  return document.save();
}
