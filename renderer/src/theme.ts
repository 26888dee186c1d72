import type { DesktopSettings } from '../../common/ipc/desktop-types';

/**
 * Applies the desktop theme as `<html data-theme>`, which styles.css maps to its light and dark
 * palettes (`system` follows prefers-color-scheme). Without a theme, as in the browser portal,
 * the attribute is removed and the light palette applies.
 */
export function applyTheme(theme: DesktopSettings['theme'] | null | undefined): void {
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}
