// Sorts Kubernetes client errors: the cluster is unreachable (retry the pass with backoff),
// or the API server refused one object (report it on that resource, go on with the others).
import { ApiException } from '@kubernetes/client-node';
import { TargetUnreachableError } from '../targets/target.ts';

/** What a failed call means for the deployer. */
export type KubeFailure =
  /** No answer, or a gateway error: the whole target is down for now. */
  | { kind: 'unreachable'; message: string }
  /** The API server answered and refused this request; `code` is Cascade's stable error code. */
  | { kind: 'rejected'; status: number; code: string; message: string };

const CODES: Record<number, string> = {
  400: 'invalid-object',
  403: 'forbidden',
  404: 'not-found',
  409: 'apply-conflict',
  422: 'invalid-object',
};

/** Classifies an error thrown by the Kubernetes client. */
export function classifyKubeError(error: unknown): KubeFailure {
  if (error instanceof ApiException) {
    const status = error.code;
    if (status === 502 || status === 503 || status === 504) return { kind: 'unreachable', message: `the API server answered ${status}` };
    const message = serverMessage(error.body) ?? `the API server answered ${status}`;
    // Server-side apply reports fields missing from the schema as a 500 while building the typed patch.
    const code = message.includes('failed to create typed patch object') ? 'invalid-object' : CODES[status] ?? 'apply-failed';
    return { kind: 'rejected', status, code, message };
  }
  return { kind: 'unreachable', message: networkMessage(error) };
}

/** The API server's own sentence from a Status body, which names the object and the field. */
function serverMessage(body: unknown): string | undefined {
  if (typeof body === 'string' && body !== '') return body.slice(0, 2000);
  if (body !== null && typeof body === 'object' && 'message' in body && typeof body.message === 'string') return body.message;
  return undefined;
}

function networkMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown; code?: unknown }).cause;
  const code = (error as { code?: unknown }).code ?? (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}

/** Runs `call`, turning network failures into TargetUnreachableError so the loop backs off. */
export async function unreachableOnNetworkError<T>(target: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TargetUnreachableError) throw error;
    const failure = classifyKubeError(error);
    if (failure.kind === 'unreachable') throw new TargetUnreachableError({ target, cause: failure.message });
    throw error;
  }
}
