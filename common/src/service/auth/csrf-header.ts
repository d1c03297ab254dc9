// The header a signed-in person's writes echo the session's CSRF token in: part of the wire contract the dashboard
// compiles against (re-exported by the api folder), kept free of Node imports so the dashboard can import it.

/** The header a signed-in person's writes echo the session's `csrfToken` in. */
export const CSRF_HEADER = 'x-cascade-csrf';
