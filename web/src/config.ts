// Where this deployment's parts answer, read once at start from the site's own `/config.json`: the same
// build serves every stage. In AWS the deploy step writes it from the stacks' outputs (README, "The web
// front end"); the local gateway answers it from the running stack (moto's pool and its endpoint).

export type SiteConfig = {
  /** the APIs' base URL: "" when the site and the APIs share an origin (the local gateway) */
  api_url: string;
  /** the caseworkers' and office users' user pool (`<region>_<id>`) and its web app client */
  user_pool_id: string;
  web_client_id: string;
  /** Cognito's endpoint; null in AWS, where it follows from the pool's region */
  cognito_endpoint: string | null;
};

let loaded: SiteConfig | null = null;

export async function loadConfig(): Promise<SiteConfig> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`the site's configuration is missing: ${response.status}`);
  loaded = (await response.json()) as SiteConfig;
  return loaded;
}

export function config(): SiteConfig {
  if (!loaded) throw new Error("loadConfig() runs before the app");
  return loaded;
}
