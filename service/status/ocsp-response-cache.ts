/**
 * Signed OCSP responses to requests without a nonce, kept for the second they were produced in.
 * Such a response depends only on the CertIDs, the statuses and the second (RFC 6960 times are
 * whole seconds), so within that second a new signature would change nothing a client checks.
 * Clients that follow the lightweight profile of RFC 5019 send no nonce, and many of them ask
 * about the same certificates.
 */

/** The maximum number of responses kept for one second, which bounds the memory that distinct requests can take. */
export const maxCachedResponsesPerSecond = 4096;

interface CachedResponse {
  /** The encoded CertStatus of each CertID when the response was signed, compared by identity. */
  statuses: readonly Uint8Array[];
  response: Uint8Array;
}

export class OcspResponseCache {
  #second = Number.NaN;
  #responses = new Map<string, CachedResponse>();

  /**
   * Returns the response stored under `key` in `second` when it was signed with the same status
   * encodings. The responder reuses one encoding object per status until that status changes, so
   * a changed status is a miss.
   */
  get(second: number, key: string, statuses: readonly Uint8Array[]): Uint8Array | undefined {
    if (second !== this.#second) return undefined;
    const cached = this.#responses.get(key);
    if (cached === undefined || cached.statuses.length !== statuses.length) return undefined;
    for (let index = 0; index < statuses.length; index += 1) {
      if (cached.statuses[index] !== statuses[index]) return undefined;
    }
    return cached.response;
  }

  set(second: number, key: string, statuses: readonly Uint8Array[], response: Uint8Array): void {
    if (second !== this.#second) {
      this.#second = second;
      this.#responses = new Map();
    }
    if (this.#responses.size < maxCachedResponsesPerSecond || this.#responses.has(key)) this.#responses.set(key, { statuses, response });
  }
}
