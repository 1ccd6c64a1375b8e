import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// In development the SPA runs on Vite (hot reload) and talks to the server on :3000 through this
// proxy, so the browser sees one origin and cookies, CSRF and SSE behave exactly as in production.
const server = "http://localhost:3000";

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      "/api": { target: server },
      "/healthz": { target: server },
    },
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
  },
});
