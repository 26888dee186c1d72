import type { ApiInput, Download } from './api/client';
import type { ApiResponse, ApiRouteName } from './api/routes';
import type { ChangePasswordRequest, ChangePasswordResponse, Profile, SessionInfo } from './api/schemas';
import type {
  ChangeTokenPinPayload,
  ImportTokenCertificatePayload,
  ResetTokenPinPayload,
  SessionsView,
  SettingsUpdatePayload,
  SettingsView,
  TokenCertificate,
  TokenModuleReport,
} from './ipc/desktop-types';

/** The features only the desktop app offers: tokens, settings, the offline cache and several signed-in certificates. */
export interface DesktopFeatures {
  listTokens(): Promise<TokenModuleReport[]>;
  changeTokenPin(payload: ChangeTokenPinPayload): Promise<void>;
  resetTokenPin(payload: ResetTokenPinPayload): Promise<void>;
  importTokenCertificate(payload: ImportTokenCertificatePayload): Promise<TokenCertificate>;
  getSettings(): Promise<SettingsView>;
  updateSettings(update: SettingsUpdatePayload): Promise<SettingsView>;
  clearCache(): Promise<void>;
  listSessions(): Promise<SessionsView>;
  switchSession(id: string): Promise<SessionsView>;
  signOutOf(id: string): Promise<SessionsView>;
}

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
  /**
   * Saves bytes as a file: the desktop app asks where with the OS save dialog, the browser
   * downloads a Blob. Returns false when the user cancelled the dialog.
   */
  saveFile(bytes: Uint8Array, suggestedName: string, contentType?: string): Promise<boolean>;
  /** Present in the desktop app only. */
  readonly desktop?: DesktopFeatures;
}
