// Which shard an environment or staging belongs to, and which live replica should hold each shard (pure).

/** FNV-1a, 32 bits: stable across processes, versions and platforms, unlike anything seeded. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The shard of an environment or staging name, from 0 to `shards - 1`. */
export function shardOf(name: string, shards: number): number {
  return shards <= 1 ? 0 : fnv1a(name) % shards;
}

/**
 * The member that should hold each shard: rendezvous (highest random weight) hashing with bounded load, so every
 * member holds floor or ceil of shards / members, a member joining or leaving moves few shards, and every member
 * computes the same answer from the same list.
 */
export function assignShards(members: readonly string[], shards: number): string[] {
  const sorted = [...new Set(members)].sort();
  if (sorted.length === 0) return [];
  const floor = Math.floor(shards / sorted.length);
  // This many members may hold one more than the floor; the capacities add up to the number of shards exactly.
  let extras = shards % sorted.length;
  const load = new Map(sorted.map((member) => [member, 0]));
  const owners: string[] = [];
  for (let shard = 0; shard < shards; shard++) {
    const ranked = sorted.map((member) => ({ member, weight: fnv1a(`${member}\u0000${shard}`) })).sort((a, b) => b.weight - a.weight || (a.member < b.member ? -1 : 1));
    const { member } = ranked.find(({ member }) => load.get(member)! < floor || (load.get(member) === floor && extras > 0))!;
    if (load.get(member) === floor) extras--;
    load.set(member, load.get(member)! + 1);
    owners.push(member);
  }
  return owners;
}
