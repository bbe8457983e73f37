import { defineConfig } from "vite";

// The build goes straight into the Python package, which serves it at "/" (see aiworks.api.app).
export default defineConfig({
  build: {
    outDir: "../src/aiworks/api/static",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    // Rolldown warns when plugins take most of a build's time: on a loaded CI machine the large pdf.js CSS
    // alone does, so the warning says more about the machine than the build.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  server: {
    // `npm run dev` talks to a local `aiworks serve`.
    proxy: { "/api": "http://127.0.0.1:8000", "/health": "http://127.0.0.1:8000" },
  },
});
