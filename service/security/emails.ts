import type { CertificateKind } from '../../common/domain';
import type { ServiceContext } from '../context';
import { emailLanguageOf, escapeHtml, portalName, timeLine, type EmailLanguage as Language } from '../notifications/email-language';
import type { CredentialOwner } from './security-store';

/**
 * The emails a holder gets after a security event on the certificate. They name the event and
 * the time, never a PIN, PUK, ERC or code, and tell the holder what to do if it was not them.
 */

export type SecurityEmailEvent =
  | 'pin-changed'
  | 'puk-changed'
  | 'pin-unlocked'
  | 'pin-locked'
  | 'puk-blocked'
  | 'erc-revealed'
  | 'wallet-connected'
  | 'wallet-migrated'
  | 'certificate-revoked';

/** The certificate and holder an email is about. */
type EmailedOwner = Pick<CredentialOwner, 'certificateId' | 'serialNumber' | 'kind' | 'businessName' | 'holder'>;

interface Texts {
  subject: Record<SecurityEmailEvent, string>;
  body: Record<SecurityEmailEvent, string>;
  greeting: (name: string) => string;
  /** Names the certificate, so that a holder of a digital ID and seals can tell which one changed. */
  certificate: (kind: CertificateKind, serialNumber: string, businessName: string | null) => string;
  notYou: string;
  /** The advice after a revocation, which cannot be undone, in place of `notYou`. */
  notYouRevoked: string;
}

const texts: Record<Language, Texts> = {
  sq: {
    subject: {
      'pin-changed': 'PIN-i i certifikatës suaj u ndryshua',
      'puk-changed': 'PUK-u i certifikatës suaj u ndryshua',
      'pin-unlocked': 'PIN-i i certifikatës suaj u zhbllokua',
      'pin-locked': 'PIN-i i certifikatës suaj u bllokua',
      'puk-blocked': 'PUK-u i certifikatës suaj u bllokua përfundimisht',
      'erc-revealed': 'Kodi ERC u shfaq në portal',
      'wallet-connected': 'Një portofol u lidh me certifikatën tuaj',
      'wallet-migrated': 'Portofoli i certifikatës suaj u zhvendos në një pajisje tjetër',
      'certificate-revoked': 'Certifikata juaj u revokua',
    },
    body: {
      'pin-changed': 'PIN-i i certifikatës suaj u ndryshua. PIN-i i vjetër nuk autorizon më nënshkrime.',
      'puk-changed': 'PUK-u i certifikatës suaj u ndryshua. PUK-u i vjetër nuk vlen më.',
      'pin-unlocked': 'PIN-i i certifikatës suaj u zhbllokua me PUK-un dhe u vendos një PIN i ri.',
      'pin-locked': 'PIN-i u fut gabim 3 herë dhe tani është i bllokuar. Mund ta zhbllokoni me PUK-un te Informacioni i përdoruesit në portal.',
      'puk-blocked':
        'PUK-u u fut gabim 10 herë dhe tani është i bllokuar përfundimisht. Certifikata nuk mund të nënshkruajë më: revokojeni dhe regjistrohuni përsëri në një zyrë.',
      'erc-revealed': 'Kodi i emergjencës për rikuperim (ERC) u shfaq përsëri në portal pas fjalëkalimit.',
      'wallet-connected': 'Një pajisje e re u lidh si portofol i certifikatës suaj dhe tani mund të autorizojë nënshkrime.',
      'wallet-migrated': 'Portofoli u zhvendos në një pajisje të re. Pajisja e vjetër nuk mund të autorizojë më nënshkrime.',
      'certificate-revoked': 'Certifikata juaj u revokua. Ajo nuk mund të nënshkruajë më, dhe revokimi nuk mund të zhbëhet. Mund të hyni ende në portal për të parë dhe shkarkuar certifikatën, kontratën dhe dëftesën e revokimit.',
    },
    greeting: (name) => `Përshëndetje, ${name}!`,
    certificate: (kind, serialNumber, businessName) =>
      kind === 'digital-seal' ? `Certifikata: vula digjitale e ${businessName ?? ''}, nr. serik ${serialNumber}.` : `Certifikata: ID digjitale, nr. serik ${serialNumber}.`,
    notYou: 'Nëse nuk e bëtë ju këtë, ndryshoni fjalëkalimin menjëherë dhe, nëse është nevoja, revokoni certifikatën me ERC-në.',
    notYouRevoked: 'Nëse nuk e bëtë ju këtë, ndryshoni fjalëkalimin menjëherë dhe paraqituni në një zyrë për një certifikatë të re.',
  },
  'sr-Latn': {
    subject: {
      'pin-changed': 'PIN vašeg sertifikata je promenjen',
      'puk-changed': 'PUK vašeg sertifikata je promenjen',
      'pin-unlocked': 'PIN vašeg sertifikata je otključan',
      'pin-locked': 'PIN vašeg sertifikata je zaključan',
      'puk-blocked': 'PUK vašeg sertifikata je trajno blokiran',
      'erc-revealed': 'ERC kod je prikazan u portalu',
      'wallet-connected': 'Novčanik je povezan sa vašim sertifikatom',
      'wallet-migrated': 'Novčanik vašeg sertifikata je premešten na drugi uređaj',
      'certificate-revoked': 'Vaš sertifikat je opozvan',
    },
    body: {
      'pin-changed': 'PIN vašeg sertifikata je promenjen. Stari PIN više ne odobrava potpise.',
      'puk-changed': 'PUK vašeg sertifikata je promenjen. Stari PUK više ne važi.',
      'pin-unlocked': 'PIN vašeg sertifikata je otključan PUK-om i postavljen je novi PIN.',
      'pin-locked': 'PIN je tri puta pogrešno unet i sada je zaključan. Možete ga otključati PUK-om u delu Informacije o korisniku u portalu.',
      'puk-blocked':
        'PUK je deset puta pogrešno unet i sada je trajno blokiran. Sertifikat više ne može da potpisuje: opozovite ga i ponovo se upišite u kancelariji.',
      'erc-revealed': 'Kod za hitni oporavak (ERC) je ponovo prikazan u portalu nakon lozinke.',
      'wallet-connected': 'Novi uređaj je povezan kao novčanik vašeg sertifikata i sada može da odobrava potpise.',
      'wallet-migrated': 'Novčanik je premešten na novi uređaj. Stari uređaj više ne može da odobrava potpise.',
      'certificate-revoked': 'Vaš sertifikat je opozvan. Njime se više ne može potpisivati, a opoziv se ne može poništiti. I dalje se možete prijaviti na portal da biste videli i preuzeli sertifikat, ugovor i potvrdu o opozivu.',
    },
    greeting: (name) => `Poštovani/a ${name},`,
    certificate: (kind, serialNumber, businessName) =>
      kind === 'digital-seal' ? `Sertifikat: digitalni pečat ${businessName ?? ''}, serijski broj ${serialNumber}.` : `Sertifikat: digitalna lična karta, serijski broj ${serialNumber}.`,
    notYou: 'Ako to niste bili vi, odmah promenite lozinku i, ako je potrebno, opozovite sertifikat pomoću ERC koda.',
    notYouRevoked: 'Ako to niste bili vi, odmah promenite lozinku i obratite se kancelariji radi novog sertifikata.',
  },
  en: {
    subject: {
      'pin-changed': 'The PIN of your certificate was changed',
      'puk-changed': 'The PUK of your certificate was changed',
      'pin-unlocked': 'The PIN of your certificate was unlocked',
      'pin-locked': 'The PIN of your certificate is locked',
      'puk-blocked': 'The PUK of your certificate is blocked for good',
      'erc-revealed': 'Your ERC was shown in the portal',
      'wallet-connected': 'A wallet was connected to your certificate',
      'wallet-migrated': 'The wallet of your certificate moved to another device',
      'certificate-revoked': 'Your certificate was revoked',
    },
    body: {
      'pin-changed': 'The PIN of your certificate was changed. The old PIN no longer authorises signatures.',
      'puk-changed': 'The PUK of your certificate was changed. The old PUK is no longer valid.',
      'pin-unlocked': 'The PIN of your certificate was unlocked with the PUK, and a new PIN was set.',
      'pin-locked': 'The PIN was entered wrongly 3 times and is now locked. You can unlock it with the PUK under User information in the portal.',
      'puk-blocked':
        'The PUK was entered wrongly 10 times and is now blocked for good. The certificate can no longer sign: revoke it and enroll again at an office.',
      'erc-revealed': 'Your Emergency Recovery Code (ERC) was shown again in the portal after your password.',
      'wallet-connected': 'A new device was connected as the wallet of your certificate and can now authorise signatures.',
      'wallet-migrated': 'The wallet moved to a new device. The old device can no longer authorise signatures.',
      'certificate-revoked': 'Your certificate was revoked. It can no longer sign, and the revocation cannot be undone. You can still sign in to the portal to view and download the certificate, the contract and the revocation receipt.',
    },
    greeting: (name) => `Hello ${name},`,
    certificate: (kind, serialNumber, businessName) =>
      kind === 'digital-seal' ? `Certificate: the digital seal of ${businessName ?? ''}, serial number ${serialNumber}.` : `Certificate: the digital ID, serial number ${serialNumber}.`,
    notYou: 'If this was not you, change your password at once and, if needed, revoke the certificate with your ERC.',
    notYouRevoked: 'If this was not you, change your password at once and go to an office for a new certificate.',
  },
};

/** Builds the subject, plain text and HTML of one security email in the holder's language. */
export function buildSecurityEmail(event: SecurityEmailEvent, owner: EmailedOwner, at: Date) {
  const { holder } = owner;
  const language = emailLanguageOf(holder.language);
  const t = texts[language];
  const name = `${holder.givenName} ${holder.surname}`;
  const advice = event === 'certificate-revoked' ? t.notYouRevoked : t.notYou;
  const certificate = t.certificate(owner.kind, owner.serialNumber, owner.businessName);
  const paragraphs = [t.greeting(name), t.body[event], certificate, timeLine(language, at), advice, portalName[language]];
  return {
    subject: t.subject[event],
    text: `${paragraphs.join('\n\n')}\n`,
    html: `<!doctype html><html lang="${language}"><body>${paragraphs.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('')}</body></html>`,
  };
}

/**
 * Emails the holder about a security event. The change it reports is already committed, so a
 * failed delivery is logged (the message stays in the outbox) and does not fail the request.
 */
export async function notifyHolder(context: ServiceContext, owner: EmailedOwner, event: SecurityEmailEvent): Promise<void> {
  const message = buildSecurityEmail(event, owner, context.now());
  try {
    await context.notifier.sendEmail({ to: owner.holder.email, ...message });
  } catch (error) {
    context.logger.error({ err: error, certificateId: owner.certificateId, event }, 'the security notification email was not delivered');
  }
}
