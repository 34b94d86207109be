// `npm run lint`: the configuration and its plugins live in tools/lint (a workspace with its own TypeScript).
export { default } from './tools/lint/eslint.config.js';
