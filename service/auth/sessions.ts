import { createHash, randomBytes } from 'node:crypto';

import { EidError } from '../../common/errors';
import type { SessionRecord, Store } from '../store/store';

export const sessionIdleSeconds = 15 * 60;
export const sessionMaxSeconds = 8 * 60 * 60;
/** Avoids a database write on every request: last-seen moves only when it is this stale. */
const touchIntervalSeconds = 30;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Session tokens are 256 random bits; the database keeps only their SHA-256, so a leaked copy of
 * it lets no one in.
 */
export class SessionManager {
  readonly #store: Store;
  readonly #now: () => Date;

  constructor(store: Store, now: () => Date) {
    this.#store = store;
    this.#now = now;
  }

  async create(accountId: number, client: SessionRecord['client']): Promise<{ token: string; session: SessionRecord }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.#now();
    const session = await this.#store.insertSession({
      tokenHash: hashToken(token),
      accountId,
      client,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + sessionMaxSeconds * 1000).toISOString(),
    });
    return { token, session };
  }

  /**
   * Finds the live session for a token and refreshes its idle timer.
   * @throws EidError UNAUTHENTICATED for an unknown token, SESSION_EXPIRED for an ended, idle or expired one.
   */
  async authenticate(token: string): Promise<SessionRecord> {
    const session = await this.#store.findSessionByTokenHash(hashToken(token));
    if (!session) throw new EidError('UNAUTHENTICATED');

    const now = this.#now();
    const idleFor = (now.getTime() - Date.parse(session.lastSeenAt)) / 1000;
    if (session.endedAt !== null || now.getTime() >= Date.parse(session.expiresAt) || idleFor >= sessionIdleSeconds) {
      if (session.endedAt === null) await this.#store.endSession(session.id, now.toISOString());
      throw new EidError('SESSION_EXPIRED');
    }

    if (idleFor >= touchIntervalSeconds) await this.#store.touchSession(session.id, now.toISOString());
    return session;
  }

  async end(session: SessionRecord): Promise<void> {
    await this.#store.endSession(session.id, this.#now().toISOString());
  }
}
