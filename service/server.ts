import type { EnrollmentResult } from '../common/api/schemas';

export interface ServiceOptions {
  /** Folder for the SQLite database, the CA and the service secret; created when missing. */
  dataDir: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Base URL written into certificates; defaults to http://HOST:PORT and is kept in the data folder. */
  publicUrl?: string;
  /** Enroll a demo holder when the database is empty. */
  demo?: boolean;
  /** Folder of the built browser portal served at `/`; defaults to dist/renderer. */
  portalDir?: string;
  logLevel?: string;
}

export interface RunningService {
  /** The URL the service listens on, for example http://127.0.0.1:8080. */
  url: string;
  /** The demo holder's certificate information, when `demo` enrolled one on this start. */
  demoHolder?: EnrollmentResult;
  close(): Promise<void>;
}

/** Starts the portal service. Implemented in this file once the HTTP layer lands. */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  void options;
  throw new Error('not implemented yet');
}
