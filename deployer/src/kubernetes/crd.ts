// Waiting for CustomResourceDefinitions: objects of a new kind can only be applied once the API server serves it.
import type { Manifest } from '@cascade/common';
import type { Clock } from '@cascade/common/service';
import type { CascadeObjectApi } from './client.ts';
import { asRecord } from './labels.ts';
import type { ObjectRef } from './object-key.ts';

/** True when a CRD reports the `Established` condition. */
function isEstablished(crd: Manifest | undefined): boolean {
  const conditions = asRecord(crd?.status).conditions;
  return Array.isArray(conditions) && conditions.some((c) => asRecord(c).type === 'Established' && asRecord(c).status === 'True');
}

/** Polls until every CRD is established; resolves with the names that did not get there in time. */
export async function waitForEstablished(client: CascadeObjectApi, crds: ObjectRef[], clock: Clock, timeoutMs: number): Promise<string[]> {
  const deadline = clock.now().getTime() + timeoutMs;
  let pending = crds;
  while (pending.length > 0) {
    const states = await Promise.all(pending.map(async (ref) => isEstablished(await client.readObject(ref))));
    pending = pending.filter((_, i) => !states[i]);
    if (pending.length === 0 || clock.now().getTime() >= deadline) break;
    await clock.sleep(100);
  }
  return pending.map((ref) => ref.name);
}
