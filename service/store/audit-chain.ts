import { createHash } from 'node:crypto';

import type { AuditEventInput } from './store';

/** The hash that starts the audit chain. */
export const genesisHash = '0'.repeat(64);

/**
 * Hashes one audit entry together with its predecessor's hash, so removing or editing an entry
 * breaks every hash after it. The fields are serialised in a fixed order.
 */
export function auditHash(previousHash: string, event: Required<Omit<AuditEventInput, 'details'>> & { details: string }): string {
  const canonical = JSON.stringify([previousHash, event.at, event.event, event.actor, event.certificateId, event.details]);
  return createHash('sha256').update(canonical).digest('hex');
}
