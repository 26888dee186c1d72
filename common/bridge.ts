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
}
