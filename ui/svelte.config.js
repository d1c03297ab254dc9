// Svelte compiler options for the dashboard: defaults (TypeScript in components is stripped by Svelte itself).
export default {};
