import fontkit from '@pdf-lib/fontkit';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';

import type { ContractLanguage } from '../../common/api/contracts';
import type { CertificateKind } from '../../common/domain';
import { fillPlaceholders, loadContractTemplate, type ContractTemplate } from './template';

/** The data a contract names. A seal contract also names the business the seal is issued to. */
export interface ContractParties {
  language: ContractLanguage;
  holder: { givenName: string; surname: string; personalNumber: string };
  certificate: { kind: CertificateKind; serialNumber: string; notBefore: Date; notAfter: Date };
  business?: { name: string; number: string } | null;
  /** The day the contract is concluded and signed. */
  date: Date;
}

export interface RenderedContract {
  document: PDFDocument;
  /** The page that carries the visible signature block, and the block's rectangle [x1, y1, x2, y2]. */
  signaturePage: PDFPage;
  signatureRect: [number, number, number, number];
  template: ContractTemplate;
  holderName: string;
}

// A4 in PDF points.
const pageSize: [number, number] = [595.28, 841.89];
const margin = 64;
const bodySize = 10.5;
const lineHeight = 15;
const textColour = rgb(0.1, 0.1, 0.12);
const accentColour = rgb(0.05, 0.27, 0.55);

// DejaVu Sans covers every Albanian and Serbian Latin letter (ë ç č ć đ š ž and capitals).
const fontDirectory = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
let fontFiles: { regular: Buffer; bold: Buffer } | undefined;

function loadFonts(): { regular: Buffer; bold: Buffer } {
  fontFiles ??= {
    regular: readFileSync(path.join(fontDirectory, 'DejaVuSans.ttf')),
    bold: readFileSync(path.join(fontDirectory, 'DejaVuSans-Bold.ttf')),
  };
  return fontFiles;
}

/** Formats a date as DD.MM.YYYY in UTC, the usual form in Kosovo in all three languages. */
export function formatContractDate(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${pad(date.getUTCDate())}.${pad(date.getUTCMonth() + 1)}.${date.getUTCFullYear()}`;
}

/** Builds the reference printed on every page from the date and the start of the certificate serial. */
export function contractReference(parties: ContractParties): string {
  const day = parties.date.toISOString().slice(0, 10).replaceAll('-', '');
  return `EID-${day}-${parties.certificate.serialNumber.slice(0, 8).toUpperCase()}`;
}

function wrapText(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(candidate, size) > width) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Draws text downwards from a cursor, one page at a time. */
class PageWriter {
  y: number;
  readonly width = pageSize[0] - 2 * margin;

  constructor(
    readonly page: PDFPage,
    readonly fonts: { regular: PDFFont; bold: PDFFont },
  ) {
    this.y = pageSize[1] - margin;
  }

  paragraph(text: string, options: { bold?: boolean; size?: number; colour?: ReturnType<typeof rgb>; after?: number } = {}): void {
    const font = options.bold ? this.fonts.bold : this.fonts.regular;
    const size = options.size ?? bodySize;
    const height = Math.max(lineHeight, size * 1.4);
    for (const line of wrapText(text, font, size, this.width)) {
      this.y -= height;
      this.page.drawText(line, { x: margin, y: this.y, size, font, color: options.colour ?? textColour });
    }
    this.y -= options.after ?? 6;
  }

  /** Draws label–value rows as a two-column table. */
  table(rows: Array<[string, string]>): void {
    const labelWidth = 150;
    for (const [label, value] of rows) {
      const valueLines = wrapText(value, this.fonts.regular, bodySize, this.width - labelWidth);
      this.y -= lineHeight;
      this.page.drawText(label, { x: margin, y: this.y, size: bodySize, font: this.fonts.bold, color: textColour });
      valueLines.forEach((line, index) => {
        if (index > 0) this.y -= lineHeight;
        this.page.drawText(line, { x: margin + labelWidth, y: this.y, size: bodySize, font: this.fonts.regular, color: textColour });
      });
    }
    this.y -= 10;
  }

  rule(): void {
    this.y -= 4;
    this.page.drawLine({ start: { x: margin, y: this.y }, end: { x: pageSize[0] - margin, y: this.y }, thickness: 0.6, color: accentColour });
    this.y -= 6;
  }
}

/**
 * Lays out the contract on three A4 pages from the template of its language, with the visible
 * signature block at the end of the last page. createSignedContract adds the signature itself.
 */
export async function renderContract(parties: ContractParties): Promise<RenderedContract> {
  const template = loadContractTemplate(parties.language);
  const holderName = `${parties.holder.givenName} ${parties.holder.surname}`;
  const reference = contractReference(parties);
  const date = formatContractDate(parties.date);
  const values = { reference, date, holderName, serial: parties.certificate.serialNumber };

  const document = await PDFDocument.create();
  document.registerFontkit(fontkit);
  const fontBytes = loadFonts();
  const fonts = {
    regular: await document.embedFont(fontBytes.regular, { subset: true }),
    bold: await document.embedFont(fontBytes.bold, { subset: true }),
  };

  document.setTitle(fillPlaceholders(template.title, values), { showInWindowTitleBar: true });
  document.setAuthor(holderName);
  document.setSubject(fillPlaceholders(template.subtitle, values));
  document.setLanguage(parties.language);
  document.setCreator('eID Self-Service');
  document.setProducer('eID Self-Service (pdf-lib)');
  document.setCreationDate(parties.date);
  document.setModificationDate(parties.date);

  const writers = template.pages.map(() => new PageWriter(document.addPage(pageSize), fonts));
  const first = writers[0]!;

  first.paragraph(fillPlaceholders(template.title, values), { bold: true, size: 15, colour: accentColour, after: 2 });
  first.paragraph(fillPlaceholders(template.subtitle, values), { size: 9.5, after: 4 });
  first.rule();
  first.paragraph(template.intro);
  if (parties.business) first.paragraph(template.introSeal);

  first.paragraph(template.holderHeading, { bold: true, size: 11.5, colour: accentColour, after: 0 });
  const holderRows: Array<[string, string]> = [
    [template.fields.givenName, parties.holder.givenName],
    [template.fields.surname, parties.holder.surname],
    [template.fields.personalNumber, parties.holder.personalNumber],
  ];
  if (parties.business) {
    holderRows.push([template.fields.businessName, parties.business.name], [template.fields.businessNumber, parties.business.number]);
  }
  first.table(holderRows);

  first.paragraph(template.certificateHeading, { bold: true, size: 11.5, colour: accentColour, after: 0 });
  first.table([
    [template.fields.kind, template.kinds[parties.certificate.kind]],
    [template.fields.serial, parties.certificate.serialNumber],
    [template.fields.notBefore, formatContractDate(parties.certificate.notBefore)],
    [template.fields.notAfter, formatContractDate(parties.certificate.notAfter)],
    [template.fields.date, date],
  ]);

  template.pages.forEach((sections, index) => {
    const writer = writers[index]!;
    for (const section of sections) {
      writer.paragraph(section.heading, { bold: true, size: 11.5, colour: accentColour, after: 0 });
      for (const text of section.paragraphs) writer.paragraph(fillPlaceholders(text, values));
      writer.y -= 4;
    }
  });

  const last = writers.at(-1)!;
  const signatureRect = drawSignatureBlock(last, template, values);

  writers.forEach((writer, index) => {
    const footer = fillPlaceholders(template.footer, { ...values, page: String(index + 1), pages: String(writers.length) });
    writer.page.drawText(footer, { x: margin, y: margin / 2, size: 8, font: fonts.regular, color: rgb(0.4, 0.4, 0.45) });
  });

  return { document, signaturePage: last.page, signatureRect, template, holderName };
}

function drawSignatureBlock(writer: PageWriter, template: ContractTemplate, values: Record<string, string>): [number, number, number, number] {
  const height = 104;
  const top = Math.min(writer.y - 16, margin + 24 + height);
  const bottom = top - height;
  const x1 = margin;
  const x2 = pageSize[0] - margin;
  writer.page.drawRectangle({ x: x1, y: bottom, width: x2 - x1, height, borderColor: accentColour, borderWidth: 1, color: rgb(0.95, 0.97, 1) });

  const lines: Array<[string, boolean, number]> = [
    [template.signatureHeading, true, 11],
    [fillPlaceholders(template.signatureSignedBy, values), true, 10.5],
    [fillPlaceholders(template.signatureCertificate, values), false, 9.5],
    [fillPlaceholders(template.signatureDate, values), false, 9.5],
    [template.signatureNote, false, 8.5],
  ];
  let y = top - 20;
  for (const [text, bold, size] of lines) {
    writer.page.drawText(text, { x: x1 + 12, y, size, font: bold ? writer.fonts.bold : writer.fonts.regular, color: textColour, maxWidth: x2 - x1 - 24 });
    y -= 18;
  }
  return [x1, bottom, x2, top];
}
