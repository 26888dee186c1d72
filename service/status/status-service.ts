import { KeyObject } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { signCrl } from '../ca/crl';
import { loadOrIssueOcspResponder, ocspResponderNeedsRenewal } from '../ca/ocsp-responder';
import { openStatusSigningAuthority, type StatusSigningAuthority } from '../ca/status-authority';
import type { ServiceContext } from '../context';
import { OcspResponder } from './ocsp';
import { SqliteStatusStore, type CertificateStatusRecord, type StatusStore } from './status-store';

/** A CRL is valid for this long after its thisUpdate. */
export const crlValidityHours = 24;
/** A new CRL is published once less than this is left before nextUpdate. */
export const crlRefreshBeforeHours = 6;
/** How often the timer looks for a stale CRL, one due for refresh, or a responder certificate due for renewal. */
export const statusCheckIntervalMs = 60_000;

/** How long the OCSP responder trusts its cached statuses before it reads the revocation generation again. */
export const generationCheckIntervalMs = 100;

const hourMs = 60 * 60 * 1000;

/**
 * The certificate status services of one running service: publishes the CRL (on each revocation
 * and on a timer before nextUpdate) and answers OCSP requests with a delegated responder.
 */
export class StatusService {
  readonly #context: ServiceContext;
  readonly #store: StatusStore;
  #authority: StatusSigningAuthority | undefined;
  #responder: OcspResponder | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** Publications run one after another, so CRL numbers are stored in the order they were taken. */
  #publishing: Promise<unknown> = Promise.resolve();
  #cachedGeneration = -1;
  #generationCheckedAt = Number.NEGATIVE_INFINITY;
  readonly #statusCache = new Map<string, CertificateStatusRecord | null>();

  constructor(context: ServiceContext) {
    this.#context = context;
    this.#store = new SqliteStatusStore(context.store);
  }

  /** Loads the signing keys and the responder, publishes a CRL when needed and starts the timer. */
  async start(): Promise<void> {
    await this.#ensureReady();
    await this.refresh();
    this.#timer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.#context.logger.error({ err: error }, 'certificate status refresh failed'));
    }, statusCheckIntervalMs);
    // The timer must not keep a CLI or test process alive on its own.
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #ensureReady(): Promise<{ authority: StatusSigningAuthority; responder: OcspResponder }> {
    if (this.#authority === undefined) {
      this.#authority = await openStatusSigningAuthority({ dir: path.join(this.#context.dataDir, 'ca'), keyPassphrase: this.#context.secrets.caKeyPassphrase });
    }
    if (this.#responder === undefined) await this.#loadResponder(this.#authority);
    return { authority: this.#authority, responder: this.#responder! };
  }

  async #loadResponder(authority: StatusSigningAuthority): Promise<void> {
    const responder = await loadOrIssueOcspResponder({
      dir: path.join(this.#context.dataDir, 'ca'),
      keyPassphrase: this.#context.secrets.caKeyPassphrase,
      authority,
      now: this.#context.now(),
    });
    this.#responder = new OcspResponder({
      issuingCertificate: authority.issuingCertificate,
      responder,
      signingKey: KeyObject.from(responder.privateKey),
      lookup: (serial) => this.#lookup(serial),
      now: this.#context.now,
    });
    this.#context.logger.info({ serialNumber: responder.certificate.serialNumber, notAfter: responder.certificate.notAfter.toISOString() }, 'OCSP responder certificate loaded');
  }

  /** Publishes a CRL when the stored one is missing, stale or close to nextUpdate, and renews the responder certificate when due. */
  async refresh(): Promise<void> {
    const { authority, responder } = await this.#ensureReady();
    if (ocspResponderNeedsRenewal(responder.responder.certificate, this.#context.now())) await this.#loadResponder(authority);

    const state = this.#store.getCrlState();
    const refreshAt = state.nextUpdate === null ? 0 : Date.parse(state.nextUpdate) - crlRefreshBeforeHours * hourMs;
    if (state.der === null || state.publishedRevision < state.revision || this.#context.now().getTime() >= refreshAt) {
      await this.publishCrl();
    }
  }

  /** Signs and stores a new CRL with the next CRL number; returns its DER. */
  async publishCrl(): Promise<Uint8Array> {
    const run = this.#publishing.then(() => this.#publish());
    this.#publishing = run.catch(() => undefined);
    return run;
  }

  async #publish(): Promise<Uint8Array> {
    const { authority } = await this.#ensureReady();
    const snapshot = this.#store.beginCrl();
    const thisUpdate = new Date(Math.floor(this.#context.now().getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + crlValidityHours * hourMs);

    const der = await signCrl({
      issuingCertificate: authority.issuingCertificate,
      signingKey: authority.issuingKey,
      crypto: authority.crypto,
      crlNumber: BigInt(snapshot.crlNumber),
      thisUpdate,
      nextUpdate,
      entries: snapshot.entries.map((entry) => ({ serialNumberHex: entry.serialNumber, revokedAt: new Date(entry.revokedAt), reasonCode: entry.reasonCode })),
    });
    this.#store.publishCrl({ crlNumber: snapshot.crlNumber, revision: snapshot.revision, thisUpdate: thisUpdate.toISOString(), nextUpdate: nextUpdate.toISOString(), der });
    this.#context.logger.info({ crlNumber: snapshot.crlNumber, entries: snapshot.entries.length }, 'CRL published');
    return der;
  }

  /** The last published CRL, publishing one first when there is none. */
  async currentCrl(): Promise<Uint8Array> {
    return this.#store.getCrlState().der ?? (await this.publishCrl());
  }

  async respondToOcsp(request: Uint8Array): Promise<Uint8Array> {
    const responder = this.#responder ?? (await this.#ensureReady()).responder;
    return responder.respond(request);
  }

  /** The OCSP responder once `start` has loaded it, for callers that respond synchronously. */
  get loadedOcspResponder(): OcspResponder | undefined {
    return this.#responder;
  }

  /**
   * Drops the cached certificate statuses. Revocations in this process call it right after their
   * transaction commits, so the next OCSP response already reports them.
   */
  certificateStatusChanged(): void {
    this.#statusCache.clear();
    this.#generationCheckedAt = Number.NEGATIVE_INFINITY;
  }

  #lookup(serialNumberHex: string): CertificateStatusRecord | null {
    // A revocation bumps the generation in its transaction, so one made by another process on the
    // same data folder shows here within generationCheckIntervalMs. Reading the generation for
    // every request took about a tenth of the responder's time.
    const checkedAt = performance.now();
    if (checkedAt - this.#generationCheckedAt >= generationCheckIntervalMs) {
      const generation = this.#store.getOcspGeneration();
      this.#generationCheckedAt = checkedAt;
      if (generation !== this.#cachedGeneration) {
        this.#statusCache.clear();
        this.#cachedGeneration = generation;
      }
    }
    if (this.#statusCache.has(serialNumberHex)) return this.#statusCache.get(serialNumberHex)!;

    const status = this.#store.findCertificateStatus(serialNumberHex);
    // Only known certificates are kept: an unknown serial may be enrolled a moment later.
    if (status !== null) {
      if (this.#statusCache.size >= 100_000) this.#statusCache.clear();
      this.#statusCache.set(serialNumberHex, status);
    }
    return status;
  }
}

const services = new WeakMap<ServiceContext, StatusService>();

/** The status service of a context, created on first use. */
export function statusServiceFor(context: ServiceContext): StatusService {
  let service = services.get(context);
  if (service === undefined) {
    service = new StatusService(context);
    services.set(context, service);
  }
  return service;
}
