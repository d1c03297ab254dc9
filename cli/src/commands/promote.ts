// `cascade promote TRANSITION`: run a transition now; the transitioner still honours locks and preconditions. It says
// what came of it in words (with the WAITING / WHY of the transition when it did not promote) and exits 1 when
// nothing was promoted because something held it back.
import type { AggregatorStatus } from '@cascade/common/api';
import { promotionWords } from '@cascade/common/api';
import { AggregatorClient } from '../client/aggregator-client.ts';
import type { CommandResult } from '../main.ts';
import { outputFormat, printJson, type Io } from '../output.ts';
import { waitingTable } from './status-waiting.ts';

/** Asks the aggregator to run the transition and prints its answer. */
export async function promote(io: Io, transition: string, options: { output: string }): Promise<CommandResult> {
  const format = outputFormat(options.output);
  const client = AggregatorClient.fromEnv();
  const answer = await client.promote(transition);
  const status = await statusIfReadable(client);
  const found = status?.transitions.find((t) => t.name === transition);
  // A manual run still honours locks and preconditions: one that did not promote is not done, for people and for CI.
  const ends = found ? { source: found.source, target: found.target, ...(found.timezone ? { timezone: found.timezone } : {}) } : {};
  const words = promotionWords({ name: transition, ...ends }, answer.result, new Date());
  if (format === 'json') printJson(io, answer);
  else {
    for (const line of words.lines) io.out(line);
    if (!words.ok && status && found) io.out(`\n${waitingTable(status, new Date(), found.target)}`);
  }
  return { exitCode: words.ok ? 0 : 1 };
}

/** The status, for the transition's ends and conditions; undefined when it cannot be read (the answer is still printed). */
async function statusIfReadable(client: AggregatorClient): Promise<AggregatorStatus | undefined> {
  try {
    return await client.status();
  } catch {
    return undefined;
  }
}
