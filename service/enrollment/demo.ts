import type { EnrollmentResult } from '../../common/api/schemas';
import type { ServiceContext } from '../context';
import { enrollDigitalId } from './enroll';

/**
 * The demo holder enrolled on an empty database by `serve --demo`. The personal number and phone
 * number are made up; the names carry the letters the portal must show correctly.
 */
export const demoHolder = {
  kind: 'digital-id',
  personalNumber: '1176001727',
  givenName: 'Arbëreshë',
  surname: 'Çollaku-Đorđević',
  email: 'demo.holder@example.org',
  phoneNumber: '+38344123456',
  gender: 'F',
  birthDate: '1990-04-12',
  birthCountry: 'XK',
  birthCity: 'Prishtinë',
} as const;

export async function enrollDemoHolder(context: ServiceContext): Promise<EnrollmentResult> {
  return enrollDigitalId(context, { ...demoHolder }, 'system:demo');
}
