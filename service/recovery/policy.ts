import type { ThrottlePolicy } from '../auth/throttle';

/** How long an emailed recovery code stays valid. */
export const recoveryCodeValidSeconds = 10 * 60;
/** Wrong codes a request allows; the last one ends the request. */
export const recoveryCodeTries = 5;
/** How long the grant issued after a correct code authorises the ERC or password step. */
export const recoveryGrantValidSeconds = 10 * 60;

/**
 * Throttle policies of account recovery. Every recovery request counts against its personal
 * number, its email address and the client address, matched or not, so the limits say nothing
 * about whether a holder exists. Wrong codes count per client address, and wrong ERCs per user
 * name and per client address.
 */
export interface RecoveryThrottlePolicies {
  personalNumber: ThrottlePolicy;
  email: ThrottlePolicy;
  address: ThrottlePolicy;
  ercUsername: ThrottlePolicy;
  ercAddress: ThrottlePolicy;
}

/**
 * The defaults: 5 requests per hour for one personal number or one email address and 30 per
 * client address before the doubling delay of SignInThrottle starts, 5 wrong ERCs per user name
 * and 20 per client address, the same as sign-in.
 */
export const defaultRecoveryThrottle: RecoveryThrottlePolicies = {
  personalNumber: { freeFailures: 5, maxDelaySeconds: 15 * 60, windowSeconds: 60 * 60 },
  email: { freeFailures: 5, maxDelaySeconds: 15 * 60, windowSeconds: 60 * 60 },
  address: { freeFailures: 30, maxDelaySeconds: 15 * 60, windowSeconds: 60 * 60 },
  ercUsername: { freeFailures: 5, maxDelaySeconds: 15 * 60, windowSeconds: 60 * 60 },
  ercAddress: { freeFailures: 20, maxDelaySeconds: 15 * 60, windowSeconds: 60 * 60 },
};

/** Throttle keys of this area, apart from the sign-in keys `account:` and `address:`. */
export const recoveryKeys = {
  personalNumber: (personalNumber: string) => `recovery-personal-number:${personalNumber}`,
  email: (email: string) => `recovery-email:${email.trim().toLowerCase()}`,
  address: (address: string) => `recovery-address:${address}`,
  codeAddress: (address: string) => `recovery-code-address:${address}`,
  ercUsername: (username: string) => `recovery-erc-username:${username.trim().toLowerCase()}`,
  ercAddress: (address: string) => `recovery-erc-address:${address}`,
};
