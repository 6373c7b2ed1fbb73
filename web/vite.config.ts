// Vite builds web/dist, which scripts/embed-web puts into the kontakt binary.
// Content-hashed files go to /assets (served with a one-year immutable cache);
// the calendar (FullCalendar) is a separate chunk loaded on first use.
import { defineConfig, type Plugin } from 'vite';

// FullCalendar injects an icon font as a data: URL, which the server's CSP
// (default-src 'self') refuses with a console error.  The UI does not use
// those icons (buttonIcons: false), so the @font-face rule is dropped.
function dropFullCalendarIconFont(): Plugin {
  return {
    name: 'kontakt-drop-fc-icon-font',
    transform(code, id) {
      if (!id.includes('@fullcalendar/core') || !code.includes('@font-face{font-family:fcicons')) return null;
      return { code: code.replace(/@font-face\{font-family:fcicons;[^}]*\}/, ''), map: null };
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [dropFullCalendarIconFont()],
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 400,
  },
});
