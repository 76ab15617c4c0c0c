import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// `npm run dev` proxies the APIs to a running `make run` (its default port), so the app stays
// same-origin as it is when the local gateway serves the build.
const gateway = "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [preact()],
  build: {
    // one CSS file and module scripts only: nothing inline, so the CSP needs no 'unsafe-inline'
    cssCodeSplit: false,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: Object.fromEntries(
      // the app's configuration too: the running stack's pool and Cognito endpoint
      ["/consent", "/claims", "/notifications", "/local", "/config.json"].map((prefix) => [prefix, gateway]),
    ),
  },
});
