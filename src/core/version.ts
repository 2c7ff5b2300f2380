// Replaced at bundle time by esbuild's define; tests run from source and see the fallback.
declare const __AGENT_VITALS_VERSION__: string | undefined;

export const PRODUCT_VERSION: string =
  typeof __AGENT_VITALS_VERSION__ === 'string' ? __AGENT_VITALS_VERSION__ : '0.0.0-dev';
