import { defineConfig } from "vite";

// The build goes straight into the Python package, which serves it at "/" (see aiworks.api.app).
export default defineConfig({
  build: {
    outDir: "../src/aiworks/api/static",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  server: {
    // `npm run dev` talks to a local `aiworks serve`.
    proxy: { "/api": "http://127.0.0.1:8000", "/health": "http://127.0.0.1:8000" },
  },
});
