// Baseline for the size checks: what a bare openapi-fetch user bundles.
export { default as createClient } from 'openapi-fetch';
