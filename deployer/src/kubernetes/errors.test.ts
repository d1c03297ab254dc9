import { describe, expect, it } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { errors } from 'undici';
import { classifyKubeError } from './errors.ts';
import { KubeRequestError } from './request-error.ts';

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

  it("treats the pooled transport's failures as an unreachable cluster, naming the request and the network code", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(classifyKubeError(KubeRequestError.of('GET', 'https://127.0.0.1:1/api/v1/namespaces/a/configmaps/b?limit=1', refused))).toEqual({
      kind: 'unreachable',
      message: 'GET https://127.0.0.1:1/api/v1/namespaces/a/configmaps/b failed: connect ECONNREFUSED 127.0.0.1:1',
    });
    const dualStack = Object.assign(new AggregateError([new Error('connect ECONNREFUSED ::1:6443'), new Error('connect ECONNREFUSED 127.0.0.1:6443')], ''), { code: 'ECONNREFUSED' });
    expect(classifyKubeError(KubeRequestError.of('GET', 'https://localhost:6443/api', dualStack))).toEqual({
      kind: 'unreachable',
      message: 'GET https://localhost:6443/api failed: connect ECONNREFUSED ::1:6443; connect ECONNREFUSED 127.0.0.1:6443',
    });
    for (const error of [new errors.ConnectTimeoutError(), new errors.HeadersTimeoutError(), new errors.BodyTimeoutError(), new errors.SocketError('other side closed')]) {
      expect(classifyKubeError(KubeRequestError.of('PATCH', 'https://k8s:6443/api/v1/x', error))).toEqual({ kind: 'unreachable', message: expect.stringContaining(`(${error.code})`) });
      expect(classifyKubeError(error)).toEqual({ kind: 'unreachable', message: expect.stringContaining(error.code) });
    }
  });
});
