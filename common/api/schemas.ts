import { z } from 'zod';

import {
  businessNumberPattern,
  certificateKinds,
  certificateStatuses,
  emailPattern,
  genders,
  passwordPolicy,
  personalNumberPattern,
  phoneNumberPattern,
} from '../domain';
import { errorCodes } from '../errors';
import { contractLanguages } from './contracts';

/**
 * Request and response schemas of the service API. The service validates with them, the OpenAPI
 * document is generated from them, and the typed client and the desktop IPC contract reuse them.
 * Each schema that can fail on a domain rule names the catalogue code in its message, so the
 * service can report the precise code per field.
 */

export const PersonalNumberSchema = z.string().regex(personalNumberPattern, 'INVALID_PERSONAL_NUMBER');
export const PhoneNumberSchema = z.string().regex(phoneNumberPattern, 'INVALID_PHONE_NUMBER');
export const EmailSchema = z.string().max(254).regex(emailPattern, 'INVALID_EMAIL');
export const BusinessNumberSchema = z.string().regex(businessNumberPattern, 'INVALID_BUSINESS_NUMBER');
/** A date as YYYY-MM-DD. */
export const IsoDateSchema = z.iso.date();

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(errorCodes as [string, ...string[]]),
      message: z.string(),
      fields: z.array(z.object({ path: z.string(), code: z.string() })).optional(),
      retryAfterSeconds: z.number().int().optional(),
      triesLeft: z.number().int().optional(),
    }),
  })
  .meta({ id: 'ErrorBody' });

export const SignInRequestSchema = z
  .object({
    username: z.string().min(1).max(128),
    password: z.string().min(1).max(passwordPolicy.maxLength),
    /** `browser` gets an httpOnly cookie; `desktop` gets a bearer token in the body instead. */
    client: z.enum(['browser', 'desktop']).default('browser'),
  })
  .strict()
  .meta({ id: 'SignInRequest' });
export type SignInRequest = z.input<typeof SignInRequestSchema>;

export const SessionInfoSchema = z
  .object({
    username: z.string(),
    certificateKind: z.enum(certificateKinds),
    displayName: z.string(),
    expiresAt: z.string(),
    idleTimeoutSeconds: z.number().int(),
  })
  .meta({ id: 'SessionInfo' });
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

export const SignInResponseSchema = z
  .object({
    session: SessionInfoSchema,
    /** Only for `client: "desktop"`, so the browser never receives its token. */
    token: z.string().optional(),
  })
  .meta({ id: 'SignInResponse' });
export type SignInResponse = z.infer<typeof SignInResponseSchema>;

export const CurrentSessionResponseSchema = z
  .object({
    /** Null when the request carries no session or an ended one. */
    session: SessionInfoSchema.nullable(),
  })
  .meta({ id: 'CurrentSessionResponse' });
export type CurrentSessionResponse = z.infer<typeof CurrentSessionResponseSchema>;

export const ProfileSchema = z
  .object({
    username: z.string(),
    certificateKind: z.enum(certificateKinds),
    commonName: z.string(),
    givenName: z.string(),
    surname: z.string(),
    personalNumber: z.string(),
    /**
     * The subject's serialNumber attribute as encoded, for example PNOXK-1176001727; for a
     * digital seal, whose subject names the business, the organizationIdentifier (NTRXK-810123456).
     */
    subjectSerialNumber: z.string(),
    country: z.string(),
    gender: z.enum(genders).nullable(),
    birthDate: z.string().nullable(),
    birthCountry: z.string().nullable(),
    birthCity: z.string().nullable(),
    fiscalCode: z.string().nullable(),
    phoneNumberMasked: z.string(),
    email: z.string(),
    /** The business of a digital seal (its CN and O); null for a digital ID. */
    businessName: z.string().nullable(),
    /** The 9-digit ARBK business number of a digital seal; null for a digital ID. */
    businessNumber: z.string().nullable(),
    certificate: z.object({
      serialNumber: z.string(),
      subject: z.string(),
      issuer: z.string(),
      notBefore: z.string(),
      notAfter: z.string(),
      status: z.enum(certificateStatuses),
    }),
    passwordChangedAt: z.string(),
  })
  .meta({ id: 'Profile' });
export type Profile = z.infer<typeof ProfileSchema>;

export const ChangePasswordRequestSchema = z
  .object({
    currentPassword: z.string().min(1).max(passwordPolicy.maxLength),
    newPassword: z.string().max(1024),
  })
  .strict()
  .meta({ id: 'ChangePasswordRequest' });
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequestSchema>;

export const ChangePasswordResponseSchema = z
  .object({
    /** How many other sessions of this account the change ended. */
    endedSessions: z.number().int(),
  })
  .meta({ id: 'ChangePasswordResponse' });
export type ChangePasswordResponse = z.infer<typeof ChangePasswordResponseSchema>;

export const HealthSchema = z.object({ status: z.literal('ok'), version: z.string() }).meta({ id: 'Health' });

/** The holder's language for the contract and the emails. Enrollment defaults to Albanian (sq). */
const HolderLanguageSchema = z.enum(contractLanguages);

export const EnrollmentRequestSchema = z
  .object({
    kind: z.literal('digital-id'),
    personalNumber: PersonalNumberSchema,
    givenName: z.string().trim().min(1).max(64),
    surname: z.string().trim().min(1).max(64),
    email: EmailSchema,
    phoneNumber: PhoneNumberSchema,
    gender: z.enum(genders).optional(),
    birthDate: IsoDateSchema.optional(),
    birthCountry: z.string().regex(/^[A-Z]{2}$/).optional(),
    birthCity: z.string().trim().min(1).max(64).optional(),
    pin: z.string().optional(),
    language: HolderLanguageSchema.optional(),
  })
  .strict()
  // The certificate's CN is "given name surname", and RFC 5280 limits a CN to 64 characters.
  .refine((request) => [...`${request.givenName} ${request.surname}`].length <= 64, { path: ['surname'], message: 'VALIDATION_FAILED' })
  .meta({ id: 'EnrollmentRequest' });
export type EnrollmentRequest = z.infer<typeof EnrollmentRequestSchema>;

/**
 * The enrollment of a digital seal for a business registered with ARBK. The holder is the natural
 * person who receives the seal's certificate information; the certificate subject names only the
 * business. A holder with this personal number is reused when the names, email and phone number
 * match; otherwise the holder is created from these data.
 */
export const DigitalSealEnrollmentRequestSchema = z
  .object({
    kind: z.literal('digital-seal'),
    // RFC 5280 limits CN and O to 64 characters; the business name is both.
    businessName: z.string().trim().min(1).max(64),
    businessNumber: BusinessNumberSchema,
    personalNumber: PersonalNumberSchema,
    givenName: z.string().trim().min(1).max(64),
    surname: z.string().trim().min(1).max(64),
    email: EmailSchema,
    phoneNumber: PhoneNumberSchema,
    gender: z.enum(genders).optional(),
    birthDate: IsoDateSchema.optional(),
    birthCountry: z.string().regex(/^[A-Z]{2}$/).optional(),
    birthCity: z.string().trim().min(1).max(64).optional(),
    pin: z.string().optional(),
    language: HolderLanguageSchema.optional(),
  })
  .strict()
  .meta({ id: 'DigitalSealEnrollmentRequest' });
export type DigitalSealEnrollmentRequest = z.infer<typeof DigitalSealEnrollmentRequestSchema>;

/** Either kind of enrollment, told apart by `kind`. */
export const AnyEnrollmentRequestSchema = z.discriminatedUnion('kind', [EnrollmentRequestSchema, DigitalSealEnrollmentRequestSchema]);
export type AnyEnrollmentRequest = z.infer<typeof AnyEnrollmentRequestSchema>;

/** The certificate information handed to the holder once, at enrollment. */
export const EnrollmentResultSchema = z
  .object({
    username: z.string(),
    password: z.string(),
    erc: z.string(),
    pin: z.string(),
    puk: z.string(),
    serial: z.string(),
    certificatePem: z.string(),
  })
  .meta({ id: 'EnrollmentResult' });
export type EnrollmentResult = z.infer<typeof EnrollmentResultSchema>;
