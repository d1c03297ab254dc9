// The answers routes have in common, for their OpenAPI definitions: what a write or a read answers and when it fails.
import type { z } from '@hono/zod-openapi';
import { ErrorBodySchema } from './schemas/responses.ts';

/** A JSON body of `schema`. */
export function json<T extends z.ZodType>(schema: T) {
  return { 'application/json': { schema } };
}

/** An error answer, described for this route. */
export function errorResponse(description: string) {
  return { description, content: json(ErrorBodySchema) };
}

/** The failures every write shares; a route overrides the ones it says more about. */
export const WRITE_FAILURES = {
  400: errorResponse('A field is missing, has the wrong type or an invalid value (`invalid-request`; `details.field` names it), or the body is not valid JSON (`invalid-json`)'),
  401: errorResponse('No valid bearer token'),
  403: errorResponse("The token's role lacks the permission"),
  404: errorResponse('The environment, resource, version or transition does not exist'),
  409: errorResponse('A file Cascade must edit or restore is broken (e.g. `invalid-version-in-repo`: a version that is not one line; `file-too-large`: over the 5 MB read bound, `details.file`)'),
  413: errorResponse('Body too large, or the file the write produces would exceed 256 KiB (`version-file-too-large`, `locks-file-too-large`; `details.file`, `details.size`, `details.limit`)'),
  415: errorResponse('Body is not JSON'),
  422: errorResponse('The repo does not allow it (e.g. a new resource without its base)'),
  503: errorResponse('The git remote cannot be reached or kept moving; nothing was written'),
};

/** A write's answers: 201 with a new commit, 200 when the repo already was as asked, and the shared failures. */
export function writeResponses<T extends z.ZodType>(answer: T) {
  return {
    200: { description: 'Already as asked; no new commit', content: json(answer) },
    201: { description: 'Committed and pushed', content: json(answer) },
    ...WRITE_FAILURES,
  };
}

/** A read's answers: 200 with `answer`, or a refused query or token. */
export function readResponses<T extends z.ZodType>(answer: T) {
  return {
    200: { description: 'OK', content: json(answer) },
    400: errorResponse('Invalid query parameter; `details.field` names it'),
    401: errorResponse('No valid bearer token (and anonymous read is off)'),
  };
}
