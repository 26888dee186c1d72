import { EidError } from '../../common/errors';
import type { Store } from '../store/store';

/**
 * Slows down failed sign-ins per account and per client address. From the `freeFailures`-th failure
 * within the window on, each failure blocks the key for a doubling delay, capped at
 * `maxDelaySeconds`. The block always ends, so an attacker can slow the owner down but never
 * lock them out for good. Keys are built from what the client typed, so an unknown user name is
 * throttled exactly like a known one.
 */
export interface ThrottlePolicy {
  freeFailures: number;
  maxDelaySeconds: number;
  /** Failures older than this are forgotten. */
  windowSeconds: number;
}

export const accountThrottle: ThrottlePolicy = { freeFailures: 5, maxDelaySeconds: 15 * 60, windowSeconds: 60 * 60 };
export const addressThrottle: ThrottlePolicy = { freeFailures: 20, maxDelaySeconds: 15 * 60, windowSeconds: 60 * 60 };

export class SignInThrottle {
  readonly #store: Store;
  readonly #now: () => Date;

  constructor(store: Store, now: () => Date) {
    this.#store = store;
    this.#now = now;
  }

  /** @throws EidError TOO_MANY_ATTEMPTS while any of the keys is blocked. */
  async assertAllowed(keys: string[]): Promise<void> {
    const now = this.#now().getTime();
    let waitSeconds = 0;
    for (const key of keys) {
      const record = await this.#store.getThrottle(key);
      if (record?.blockedUntil) waitSeconds = Math.max(waitSeconds, Math.ceil((Date.parse(record.blockedUntil) - now) / 1000));
    }
    if (waitSeconds > 0) throw new EidError('TOO_MANY_ATTEMPTS', { retryAfterSeconds: waitSeconds });
  }

  async recordFailure(key: string, policy: ThrottlePolicy): Promise<void> {
    const now = this.#now();
    const record = await this.#store.getThrottle(key);
    const recent = record && now.getTime() - Date.parse(record.lastFailureAt) < policy.windowSeconds * 1000;
    const failures = (recent ? record.failures : 0) + 1;

    const excess = failures - policy.freeFailures;
    const delaySeconds = excess >= 0 ? Math.min(2 ** excess, policy.maxDelaySeconds) : 0;
    await this.#store.putThrottle({
      key,
      failures,
      lastFailureAt: now.toISOString(),
      blockedUntil: delaySeconds > 0 ? new Date(now.getTime() + delaySeconds * 1000).toISOString() : null,
    });
  }

  async clear(key: string): Promise<void> {
    await this.#store.clearThrottle(key);
  }
}

export function accountKey(username: string): string {
  return `account:${username.trim().toLowerCase()}`;
}

export function addressKey(address: string): string {
  return `address:${address}`;
}
