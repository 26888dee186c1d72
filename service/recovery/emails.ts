import type { RecoveryWant } from '../../common/api/recovery';
import { emailLanguageOf, escapeHtml, portalName, timeLine, type EmailLanguage as Language } from '../notifications/email-language';
import type { EmailMessage } from '../notifications/notifier';

/**
 * The recovery emails in the holder's language (holders.language: sq, sr-Latn or en; anything
 * else gets Albanian). Subjects never carry the code or any other secret.
 */

/** A certificate as the notices name it. */
export interface CertificateLabel {
  kind: 'digital-id' | 'digital-seal';
  businessName: string | null;
  serialNumber: string;
}

/** What a completion notice reports. */
export type RecoveryOutcome =
  | { kind: 'usernames' }
  | { kind: 'erc-shown'; certificate: CertificateLabel }
  | { kind: 'password-reset'; certificate: CertificateLabel }
  | { kind: 'password-reset-with-erc'; certificate: CertificateLabel };

const wantTexts: Record<Language, Record<RecoveryWant, string>> = {
  sq: { username: 'emrin e përdoruesit', erc: 'kodin ERC', password: 'fjalëkalimin' },
  'sr-Latn': { username: 'korisničkog imena', erc: 'ERC koda', password: 'lozinke' },
  en: { username: 'the user name', erc: 'the ERC', password: 'the password' },
};

function certificateText(language: Language, certificate: CertificateLabel): string {
  const serial = certificate.serialNumber;
  if (certificate.kind === 'digital-seal') {
    const name = certificate.businessName ?? '';
    return { sq: `vulës digjitale të ${name} (nr. serik ${serial})`, 'sr-Latn': `digitalnog pečata ${name} (serijski broj ${serial})`, en: `the digital seal of ${name} (serial number ${serial})` }[language];
  }
  return { sq: `ID-së digjitale (nr. serik ${serial})`, 'sr-Latn': `digitalne lične karte (serijski broj ${serial})`, en: `the digital ID (serial number ${serial})` }[language];
}

const greetings: Record<Language, (name: string) => string> = {
  sq: (name) => `Përshëndetje ${name},`,
  'sr-Latn': (name) => `Poštovani/a ${name},`,
  en: (name) => `Hello ${name},`,
};

/** Builds the plain text and the HTML body from the same paragraphs; `highlight` is shown large in HTML. */
function message(to: string, subject: string, paragraphs: string[], highlight?: { index: number; text: string }): EmailMessage {
  const textParts = [...paragraphs];
  if (highlight) textParts.splice(highlight.index, 0, `    ${highlight.text}`);
  const htmlParts = paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`);
  if (highlight) {
    htmlParts.splice(highlight.index, 0, `<p style="font-size:24px;font-weight:bold;letter-spacing:4px">${escapeHtml(highlight.text)}</p>`);
  }
  return {
    to,
    subject,
    text: `${textParts.join('\n\n')}\n`,
    html: `<!DOCTYPE html><html><body>${htmlParts.join('')}</body></html>`,
  };
}

/** The email with the one-time code. */
export function codeEmail(options: { to: string; name: string; language: string; want: RecoveryWant; code: string; validMinutes: number }): EmailMessage {
  const language = emailLanguageOf(options.language);
  const what = wantTexts[language][options.want];
  const minutes = options.validMinutes;
  const texts: Record<Language, { subject: string; paragraphs: string[] }> = {
    sq: {
      subject: 'Kodi për rikthimin e të dhënave të certifikatës',
      paragraphs: [
        greetings.sq(options.name),
        `Në portalin Vetëshërbimi eID u kërkua rikthimi i të dhënave: ${what}. Kodi juaj është:`,
        `Kodi vlen ${minutes} minuta dhe përdoret vetëm një herë. Mos ia tregoni askujt: stafi i portalit nuk jua kërkon kurrë.`,
        'Nëse këtë kërkesë nuk e keni bërë ju, mos bëni asgjë: pa këtë kod nuk ndryshon asgjë. Nëse merrni shpesh email të tillë, njoftoni sportelin e ARC-së ose të ARBK-së.',
        portalName.sq,
      ],
    },
    'sr-Latn': {
      subject: 'Kod za povraćaj podataka sertifikata',
      paragraphs: [
        greetings['sr-Latn'](options.name),
        `Na portalu eID samousluga zatražen je povraćaj ${what}. Vaš kod je:`,
        `Kod važi ${minutes} minuta i može se upotrebiti samo jednom. Nemojte ga nikome davati: osoblje portala ga nikada ne traži.`,
        'Ako vi niste podneli ovaj zahtev, ne morate ništa da radite: bez ovog koda ništa se ne menja. Ako često dobijate ovakve poruke, obavestite šalter ARC-a ili ARBK-a.',
        portalName['sr-Latn'],
      ],
    },
    en: {
      subject: 'Your code to recover your certificate information',
      paragraphs: [
        greetings.en(options.name),
        `Someone asked the eID Self-Service portal to recover ${what} of your certificates. Your code is:`,
        `The code is valid for ${minutes} minutes and works once. Do not share it: the portal staff never ask for it.`,
        'If you did not ask for this, do nothing: without this code nothing changes. If such emails keep coming, tell an ARC or ARBK office.',
        portalName.en,
      ],
    },
  };
  const chosen = texts[language];
  return message(options.to, chosen.subject, chosen.paragraphs, { index: 2, text: options.code });
}

/** The notice sent after a recovery step succeeded: what was recovered and what to do if it was not the holder. */
export function outcomeEmail(options: { to: string; name: string; language: string; outcome: RecoveryOutcome; at: Date }): EmailMessage {
  const language = emailLanguageOf(options.language);
  const outcome = options.outcome;

  const happened: Record<Language, string> = (() => {
    switch (outcome.kind) {
      case 'usernames':
        return {
          sq: 'Emrat e përdoruesit të certifikatave tuaja u shfaqën në portalin Vetëshërbimi eID, pas verifikimit me kodin e dërguar në këtë adresë.',
          'sr-Latn': 'Korisnička imena vaših sertifikata prikazana su na portalu eID samousluga, nakon provere kodom poslatim na ovu adresu.',
          en: 'The user names of your certificates were shown in the eID Self-Service portal, after verification with the code sent to this address.',
        };
      case 'erc-shown':
        return {
          sq: `Kodi ERC i ${certificateText('sq', outcome.certificate)} u shfaq në portalin Vetëshërbimi eID, pas verifikimit me kodin e dërguar në këtë adresë.`,
          'sr-Latn': `ERC kod ${certificateText('sr-Latn', outcome.certificate)} prikazan je na portalu eID samousluga, nakon provere kodom poslatim na ovu adresu.`,
          en: `The ERC of ${certificateText('en', outcome.certificate)} was shown in the eID Self-Service portal, after verification with the code sent to this address.`,
        };
      case 'password-reset':
        return {
          sq: `Fjalëkalimi i portalit për llogarinë e ${certificateText('sq', outcome.certificate)} u ndryshua pas verifikimit me kodin e dërguar në këtë adresë. Të gjitha seancat e kësaj llogarie u mbyllën.`,
          'sr-Latn': `Lozinka portala za nalog ${certificateText('sr-Latn', outcome.certificate)} promenjena je nakon provere kodom poslatim na ovu adresu. Sve sesije ovog naloga su zatvorene.`,
          en: `The portal password of the account of ${certificateText('en', outcome.certificate)} was reset after verification with the code sent to this address. Every session of that account was signed out.`,
        };
      case 'password-reset-with-erc':
        return {
          sq: `Fjalëkalimi i portalit për llogarinë e ${certificateText('sq', outcome.certificate)} u ndryshua me emrin e përdoruesit dhe kodin ERC. Të gjitha seancat e kësaj llogarie u mbyllën.`,
          'sr-Latn': `Lozinka portala za nalog ${certificateText('sr-Latn', outcome.certificate)} promenjena je pomoću korisničkog imena i ERC koda. Sve sesije ovog naloga su zatvorene.`,
          en: `The portal password of the account of ${certificateText('en', outcome.certificate)} was reset with its user name and ERC. Every session of that account was signed out.`,
        };
    }
  })();

  // A reset with the ERC proves the ERC, every other step proves the email address.
  const notYou: Record<Language, string> =
    outcome.kind === 'password-reset-with-erc'
      ? {
          sq: 'Nëse këtë nuk e keni bërë ju, dikush tjetër e njeh emrin e përdoruesit dhe kodin tuaj ERC. Rikthejeni menjëherë fjalëkalimin e portalit me kodin e dërguar në këtë adresë dhe revokoni certifikatën me kodin ERC ose në sportelin e ARC-së ose të ARBK-së.',
          'sr-Latn': 'Ako to niste bili vi, neko drugi zna vaše korisničko ime i ERC kod. Odmah povratite lozinku portala kodom poslatim na ovu adresu i opozovite sertifikat ERC kodom ili na šalteru ARC-a ili ARBK-a.',
          en: 'If this was not you, someone else knows your user name and ERC. Recover the portal password now with a code sent to this address, and revoke the certificate with the ERC or at an ARC or ARBK office.',
        }
      : {
          sq: 'Nëse këtë nuk e keni bërë ju, dikush tjetër ka qasje në email-in tuaj. Ndryshoni menjëherë fjalëkalimin e email-it, rikthejeni fjalëkalimin e portalit dhe, nëse dyshoni se certifikata keqpërdoret, revokojeni me kodin ERC ose në sportelin e ARC-së ose të ARBK-së.',
          'sr-Latn': 'Ako to niste bili vi, neko drugi ima pristup vašoj e-pošti. Odmah promenite lozinku e-pošte, povratite lozinku portala i, ako sumnjate da se sertifikat zloupotrebljava, opozovite ga ERC kodom ili na šalteru ARC-a ili ARBK-a.',
          en: 'If this was not you, someone else can read your email. Change your email password now, recover the portal password, and if you think the certificate is misused, revoke it with the ERC or at an ARC or ARBK office.',
        };

  const subjects: Record<Language, string> = {
    sq: 'Të dhënat e certifikatës suaj u rikthyen',
    'sr-Latn': 'Podaci vašeg sertifikata su povraćeni',
    en: 'Your certificate information was recovered',
  };

  return message(options.to, subjects[language], [greetings[language](options.name), happened[language], timeLine(language, options.at), notYou[language], portalName[language]]);
}
