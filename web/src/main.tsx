import { render } from "preact";
import { App } from "./app";
import { loadConfig } from "./config";
import "./style.css";

const root = document.getElementById("app")!;
loadConfig().then(
  () => render(<App />, root),
  () => {
    // nothing of the app can work without it; say so in the three languages rather than show nothing
    root.textContent =
      "Respite is not available right now. · Respite is nu niet bereikbaar. · Respite n'est pas disponible.";
  },
);
