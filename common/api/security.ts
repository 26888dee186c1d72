import { z } from 'zod';

import { passwordPolicy, pinPolicy, pukLength } from '../domain';
import type { ApiRoute } from './core-routes';

/**
 * The User information area: the state of the certificate's PIN, PUK and wallet, changing the PIN
 * and the PUK, unlocking the PIN with the PUK, and showing the ERC again.
 */

/** A PIN as typed: 6 to 8 digits. The policy beyond the format (WEAK_PIN) is checked by the service. */
export const PinSchema = z.string().regex(new RegExp(`^\\d{${pinPolicy.minLength},${pinPolicy.maxLength}}$`), 'INVALID_PIN');
export const PukSchema = z.string().regex(new RegExp(`^\\d{${pukLength}}$`), 'INVALID_PUK');

export const SecurityStateSchema = z
  .object({
    pin: z.object({ state: z.enum(['ok', 'locked']), triesLeft: z.number().int(), maxTries: z.number().int() }),
    /** `blocked` is final: only revocation and a new enrollment at an office remain. */
    puk: z.object({ state: z.enum(['ok', 'blocked']), triesLeft: z.number().int(), maxTries: z.number().int() }),
    wallet: z.object({
      state: z.enum(['none', 'active']),
      deviceLabel: z.string().nullable(),
      since: z.string().nullable(),
    }),
    certificateRevoked: z.boolean(),
  })
  .meta({ id: 'SecurityState' });
export type SecurityState = z.infer<typeof SecurityStateSchema>;

export const ChangePinRequestSchema = z.object({ currentPin: PinSchema, newPin: PinSchema }).strict().meta({ id: 'ChangePinRequest' });
export type ChangePinRequest = z.infer<typeof ChangePinRequestSchema>;

export const ChangePukRequestSchema = z.object({ currentPuk: PukSchema, newPuk: PukSchema }).strict().meta({ id: 'ChangePukRequest' });
export type ChangePukRequest = z.infer<typeof ChangePukRequestSchema>;

export const UnlockPinRequestSchema = z.object({ puk: PukSchema, newPin: PinSchema }).strict().meta({ id: 'UnlockPinRequest' });
export type UnlockPinRequest = z.infer<typeof UnlockPinRequestSchema>;

export const RevealErcRequestSchema = z
  .object({ password: z.string().min(1).max(passwordPolicy.maxLength) })
  .strict()
  .meta({ id: 'RevealErcRequest' });
export type RevealErcRequest = z.infer<typeof RevealErcRequestSchema>;

export const RevealErcResponseSchema = z.object({ erc: z.string() }).meta({ id: 'RevealErcResponse' });
export type RevealErcResponse = z.infer<typeof RevealErcResponseSchema>;

export const securityRoutes = {
  getSecurity: {
    method: 'GET',
    path: '/api/v1/security',
    summary: 'Read the state and tries left of the PIN and the PUK, the wallet, and whether the certificate is revoked',
    authenticated: true,
    response: SecurityStateSchema,
    successStatus: 200,
  },
  changePin: {
    method: 'POST',
    path: '/api/v1/security/pin',
    summary: 'Change the PIN; a wrong current PIN counts as a wrong try',
    authenticated: true,
    body: ChangePinRequestSchema,
    response: SecurityStateSchema,
    successStatus: 200,
  },
  changePuk: {
    method: 'POST',
    path: '/api/v1/security/puk',
    summary: 'Change the PUK; a wrong current PUK counts as a wrong try',
    authenticated: true,
    body: ChangePukRequestSchema,
    response: SecurityStateSchema,
    successStatus: 200,
  },
  unlockPin: {
    method: 'POST',
    path: '/api/v1/security/pin/unlock',
    summary: 'Unlock a locked or forgotten PIN with the PUK, set a new PIN and reset the PIN counter',
    authenticated: true,
    body: UnlockPinRequestSchema,
    response: SecurityStateSchema,
    successStatus: 200,
  },
  revealErc: {
    method: 'POST',
    path: '/api/v1/security/erc/reveal',
    summary: 'Show the Emergency Recovery Code (ERC) again after the portal password',
    authenticated: true,
    body: RevealErcRequestSchema,
    response: RevealErcResponseSchema,
    successStatus: 200,
  },
} as const satisfies Record<string, ApiRoute>;
