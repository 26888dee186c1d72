import type { ApiInput, Download } from './api/client';
import type { ApiResponse, ApiRouteName } from './api/routes';
import type { ChangePasswordRequest, ChangePasswordResponse, Profile, SessionInfo } from './api/schemas';

/**
 * The one interface the renderer talks to. In the desktop app it is backed by the preload's IPC
 * (the session token stays in main); in the browser portal by the typed HTTP client (the session
 * is an httpOnly cookie). Every method throws EidError on failure.
 */
export interface EidBridge {
  readonly kind: 'desktop' | 'browser';
  signIn(credentials: { username: string; password: string }): Promise<SessionInfo>;
  signOut(): Promise<void>;
  getProfile(): Promise<Profile>;
  changePassword(request: ChangePasswordRequest): Promise<ChangePasswordResponse>;
  /** Calls any JSON route of the service API (except sign-in and sign-out) in the current session. */
  call<N extends ApiRouteName>(name: N, input?: ApiInput<N>): Promise<ApiResponse<N>>;
  /** Calls a binary route (a certificate, a PDF) and returns its exact bytes. */
  download<N extends ApiRouteName>(name: N, input?: ApiInput<N>): Promise<Download>;
}
