import { describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { classifyKubeError } from './errors.ts';

describe('classifyKubeError', () => {
  it('reports a refused object with the API server message and a stable code', () => {
    const conflict = new ApiException(409, 'x', { kind: 'Status', message: 'Apply failed with 1 conflict: conflict with "kubectl-edit": .spec.replicas' }, {});
    expect(classifyKubeError(conflict)).toEqual({ kind: 'rejected', status: 409, code: 'apply-conflict', message: 'Apply failed with 1 conflict: conflict with "kubectl-edit": .spec.replicas' });
    expect(classifyKubeError(new ApiException(422, 'x', { message: 'spec.replicas: Invalid value' }, {}))).toMatchObject({ code: 'invalid-object' });
    expect(classifyKubeError(new ApiException(500, 'x', 'webhook failed', {}))).toMatchObject({ kind: 'rejected', code: 'apply-failed', message: 'webhook failed' });
    const typo = { message: 'failed to create typed patch object (ns/x; /v1, Kind=ConfigMap): .datta: field not declared in schema' };
    expect(classifyKubeError(new ApiException(500, 'x', typo, {}))).toMatchObject({ code: 'invalid-object' });
  });

  it('treats network errors and gateway answers as an unreachable cluster', () => {
    const refused = Object.assign(new Error('request to https://127.0.0.1:1/api failed'), { code: 'ECONNREFUSED' });
    expect(classifyKubeError(refused)).toEqual({ kind: 'unreachable', message: 'request to https://127.0.0.1:1/api failed (ECONNREFUSED)' });
    expect(classifyKubeError(new ApiException(503, 'x', {}, {}))).toEqual({ kind: 'unreachable', message: 'the API server answered 503' });
  });
});
