import { describe, expect, it } from 'vitest';
import { controllerManagerArgs, runLayout, schedulerArgs, type ClusterPorts } from './component-args.ts';

const ports: ClusterPorts = { etcd: 1, etcdPeer: 2, apiServer: 3, controllerManager: 4, scheduler: 5, kwok: 6 };
const layout = runLayout('/run/cluster');
const rateFlags = (args: string[]) => args.filter((arg) => arg.startsWith('--kube-api-'));

describe('controller and scheduler request rate', () => {
  it("keeps client-go's default unless a rate is asked for", () => {
    expect(rateFlags(controllerManagerArgs(layout, ports))).toEqual([]);
    expect(rateFlags(schedulerArgs(layout, ports))).toEqual([]);
  });

  it('lifts both to the rate asked for, with a burst half as large again', () => {
    expect(rateFlags(controllerManagerArgs(layout, ports, 100))).toEqual(['--kube-api-qps=100', '--kube-api-burst=150']);
    expect(rateFlags(schedulerArgs(layout, ports, 7))).toEqual(['--kube-api-qps=7', '--kube-api-burst=11']);
  });
});
