import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';

import type { DigitalSealEnrollmentRequest, EnrollmentRequest, EnrollmentResult } from '../../common/api/schemas';
import { databaseFile, openServiceContext, type ServiceContext } from '../../service/context';
import { enrollDigitalId, enrollDigitalSeal } from '../../service/enrollment/enroll';
import type { RecoveryThrottlePolicies } from '../../service/recovery/policy';
import { createLogger } from '../../service/log/logger';
import { startService, type RunningService } from '../../service/server';

export interface TestService extends RunningService {
  dataDir: string;
  /** Enrolls through a second context on the same data folder, as `eid-service enroll` does while the service runs. */
  enroll(overrides?: Partial<EnrollmentRequest>): Promise<EnrollmentResult>;
  /** Enrolls a digital seal the same way; pass the holder's personal data to add a seal to an enrolled holder. */
  enrollSeal(overrides?: Partial<DigitalSealEnrollmentRequest>): Promise<EnrollmentResult>;
  /** Opens a context on the data folder for direct store checks; the caller closes its store. */
  openContext(): Promise<ServiceContext>;
}

const quietLogger = () => createLogger({ level: process.env.EID_TEST_LOG_LEVEL ?? 'silent', destination: pino.destination(2) });

let personalNumberCounter = 0;

/** Returns a personal number unique within this test process. */
export function uniquePersonalNumber(): string {
  personalNumberCounter += 1;
  return `${String(process.pid % 100_000).padStart(5, '0')}${String(personalNumberCounter).padStart(5, '0')}`;
}

export function holderRequest(overrides: Partial<EnrollmentRequest> = {}): EnrollmentRequest {
  return {
    kind: 'digital-id',
    personalNumber: uniquePersonalNumber(),
    givenName: 'Arbër',
    surname: 'Çelaj-Đukić',
    email: 'arber.celaj@example.org',
    phoneNumber: '+38344123456',
    gender: 'M',
    birthDate: '1988-03-21',
    birthCountry: 'XK',
    birthCity: 'Prizren',
    ...overrides,
  };
}

let businessNumberCounter = 0;

/** A 9-digit business number unique within this test process. */
export function uniqueBusinessNumber(): string {
  businessNumberCounter += 1;
  return `8${String(process.pid % 10_000).padStart(4, '0')}${String(businessNumberCounter).padStart(4, '0')}`;
}

export function sealRequest(overrides: Partial<DigitalSealEnrollmentRequest> = {}): DigitalSealEnrollmentRequest {
  const { kind: _kind, ...holder } = holderRequest();
  return { ...holder, kind: 'digital-seal', businessName: 'Ëndërr Çeliku SH.P.K.', businessNumber: uniqueBusinessNumber(), ...overrides };
}

/** Starts the real service on 127.0.0.1 with a free port and a fresh data folder. */
export async function startTestService(
  options: {
    demo?: boolean;
    portalDir?: string;
    smtpUrl?: string;
    smsUrl?: string;
    now?: () => Date;
    recoveryThrottle?: Partial<RecoveryThrottlePolicies>;
    trustedProxies?: string[];
  } = {},
): Promise<TestService> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'eid-test-'));
  const service = await startService({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    demo: options.demo,
    portalDir: options.portalDir,
    smtpUrl: options.smtpUrl,
    smsUrl: options.smsUrl,
    now: options.now,
    recoveryThrottle: options.recoveryThrottle,
    trustedProxies: options.trustedProxies,
    logger: quietLogger(),
  });

  const openContext = () =>
    openServiceContext({ dataDir, logger: quietLogger(), now: options.now, notifications: { smtpUrl: options.smtpUrl, smsUrl: options.smsUrl } });

  return {
    ...service,
    dataDir,
    openContext,
    enroll: async (overrides = {}) => {
      const context = await openContext();
      try {
        return await enrollDigitalId(context, holderRequest(overrides), 'test');
      } finally {
        await context.store.close();
      }
    },
    enrollSeal: async (overrides = {}) => {
      const context = await openContext();
      try {
        return await enrollDigitalSeal(context, sealRequest(overrides), 'test');
      } finally {
        await context.store.close();
      }
    },
    close: async () => {
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sends a JSON request and returns status, parsed body and headers. */
export async function request(
  service: { url: string },
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; token?: string; cookie?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined || options.rawBody !== undefined) headers['content-type'] ??= 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;

  const response = await fetch(`${service.url}${path}`, {
    method,
    headers,
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: the raw text stays in `body`.
  }
  return { status: response.status, body, headers: response.headers };
}

/** Counts the rows of the enrollment tables, to show that a rejected request wrote nothing. */
export function countRows(dataDir: string, tables = ['holders', 'certificates', 'accounts', 'credentials', 'audit_log']): Record<string, number> {
  const db = new Database(databaseFile(dataDir), { readonly: true });
  try {
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return counts;
  } finally {
    db.close();
  }
}
