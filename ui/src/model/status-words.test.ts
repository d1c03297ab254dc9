import { expect, it } from 'vitest';
import { envRolloutWords } from './status-words.ts';

it('explains once, in the header, an environment nothing deploys, and where versions arrive', () => {
  expect(envRolloutWords('latest', 'NotDeployed', true)).toEqual({ text: 'not deployed: versions arrive here first', title: 'No deployer deploys latest: new versions are pushed here and promoted onward from here.' });
  expect(envRolloutWords('archive', 'NotDeployed', false).text).toBe('not deployed');
  expect(envRolloutWords('prod', 'InProgress', false, 'local/shop-prod')).toEqual({ text: 'rolling out', title: 'deployed to local/shop-prod' });
  expect(envRolloutWords('prod', 'Unknown', false)).toEqual({ text: 'no report' });
});
