/**
 * Raft §6 (cluster membership changes), with the single-server changes of Ongaro's thesis §4.1 as
 * etcd-raft implements them: one voter added or removed at a time, effective on each server when
 * the change is applied.
 */
import { describe, expect, it } from 'vitest';
import { MemoryStorage } from './MemoryStorage';
import { SyncNetwork } from './testkit';

const ABC = ['a', 'b', 'c'];

/** A three-server cluster led by a, with its no-op committed everywhere. */
function cluster(ids: string[] = ABC): SyncNetwork {
  const net = new SyncNetwork(ids);
  net.campaign('a');
  return net;
}

/**
 * Storage for a server about to join: empty, but it knows the configuration it joins (what a join
 * response carries). The log it then receives from index 1 replays every change on top of it.
 */
function joinerStorage(currentVoters: string[]): MemoryStorage {
  return new MemoryStorage({ voters: currentVoters });
}

describe('Raft §6: adding a voter', () => {
  it('a new server receives the whole log and becomes a voter on every server once the change is applied (§6)', () => {
    // Raft §6: new servers first "catch up" and the configuration change then makes them full
    // members; thesis §4.1: a single server is added by one configuration entry.
    const net = cluster();
    net.propose('a', 'before join');
    net.add('d', joinerStorage(ABC));
    expect(net.node('d').status().voters).not.toContain('d');
    const r = net.proposeConfChange('a', { op: 'addVoter', id: 'd' });
    expect(r).toMatchObject({ ok: true, index: 3 });
    for (const id of ['a', 'b', 'c', 'd']) {
      expect(new Set(net.node(id).status().voters), `${id}`).toEqual(new Set(['a', 'b', 'c', 'd']));
      expect(net.node(id).status().commit, `${id}`).toBe(3);
    }
    expect(net.peer('d').applied.map((e) => e.index)).toEqual([1, 2, 3]);
    expect(net.node('a').status().progress.d).toMatchObject({ match: 3, state: 'replicate' });
  });

  it('a server joining with empty storage learns the full configuration from the cluster (§6)', () => {
    // Raft §6: configurations are "stored and communicated using special entries in the replicated
    // log". MemoryStorage.bootstrap stores the initial configuration as a committed snapshot at
    // index 1, so an empty joiner fails the consistency check and is sent it, instead of replaying
    // "addVoter d" onto an empty configuration and believing it is a cluster of one.
    const net = new SyncNetwork([]);
    for (const id of ABC) net.add(id, MemoryStorage.bootstrap(ABC));
    net.campaign('a');
    expect(net.node('a').currentRole).toBe('leader');
    net.add('d', new MemoryStorage());
    expect(net.proposeConfChange('a', { op: 'addVoter', id: 'd' }).ok).toBe(true);
    expect(new Set(net.node('d').status().voters)).toEqual(new Set(['a', 'b', 'c', 'd']));
    expect(net.node('d').latestSnapshot().index).toBe(1);
    net.isolate('d');
    net.tick('d', 40);
    // Alone, d is one voter of four: it campaigns but can never win.
    expect(net.node('d').currentRole).not.toBe('leader');
  });

  it('with the configuration kept at index 0, an empty joiner is the hazard the bootstrap avoids (§6)', () => {
    // The control of the test above: storage whose initial configuration sits at index 0 (as
    // `new MemoryStorage(conf)` keeps it) lets an empty joiner replay only "addVoter d".
    const net = cluster();
    net.add('d', new MemoryStorage());
    net.proposeConfChange('a', { op: 'addVoter', id: 'd' });
    expect(net.node('d').status().voters).toEqual(['d']);
  });

  it('after an added voter is applied, commitment needs a majority of the larger configuration (§6)', () => {
    // Raft §6 / thesis §4.1: once the new configuration is in use, "a majority of the new
    // configuration" is what commits entries: with four voters, two servers are no longer enough.
    const net = cluster();
    net.isolate('c');
    const before = net.propose('a', 'a+b of three') as { index: number };
    expect(net.node('a').status().commit).toBe(before.index); // 2 of 3
    net.recover();
    net.add('d', joinerStorage(ABC));
    net.proposeConfChange('a', { op: 'addVoter', id: 'd' });
    expect(net.node('a').status().voters).toContain('d');
    net.isolate('c');
    net.isolate('d');
    const after = net.propose('a', 'a+b of four') as { index: number };
    expect(net.node('b').status().lastIndex).toBe(after.index); // b stores it ...
    expect(net.node('a').status().commit).toBe(after.index - 1); // ... but 2 of 4 is no majority
    net.recover();
    net.tick('a'); // heartbeat: d catches up
    expect(net.node('a').status().commit).toBe(after.index);
  });
});

describe('Raft §6: removing a voter', () => {
  it('after a removal is applied, the leader forgets the server and a majority of the smaller configuration commits (§6)', () => {
    // Raft §6: after the change the removed server is no longer part of the cluster; thesis §4.1:
    // the leader then counts a majority of the new configuration.
    const net = cluster(['a', 'b', 'c', 'd']);
    net.proposeConfChange('a', { op: 'removeVoter', id: 'd' });
    for (const id of ['a', 'b', 'c']) expect(net.node(id).status().voters, `${id}`).toEqual(['a', 'b', 'c']);
    expect(new Set(Object.keys(net.node('a').status().progress))).toEqual(new Set(['a', 'b', 'c']));
    net.isolate('c');
    net.isolate('d');
    const r = net.propose('a', 'a+b of three') as { index: number };
    expect(net.node('a').status().commit).toBe(r.index); // 2 of 3 (it would not be 2 of 4)
    const sentToD = net.messages((m) => m.to === 'd' && m.type === 'AppendEntries' && (m.entries ?? []).length > 0);
    expect(sentToD.every((m) => m.entries!.every((e) => e.index <= 3))).toBe(true);
  });

  it('a removed server does not campaign, however long it hears nothing (§6)', () => {
    // Raft §6: "removed servers (those not in C_new) can disrupt the cluster" by timing out and
    // starting elections; here a server that applied its own removal leaves the group and never campaigns.
    const net = cluster();
    net.proposeConfChange('a', { op: 'removeVoter', id: 'c' });
    const c = net.node('c');
    expect(c.status()).toMatchObject({ member: false, voters: ['a', 'b'] });
    const term = c.currentTerm;
    const sentBefore = net.sent.length;
    net.tick('c', 100);
    c.campaign(); // even when asked to
    net.stabilize();
    expect(c.currentTerm).toBe(term);
    expect(c.currentRole).toBe('follower');
    expect(net.sent.slice(sentBefore).filter((s) => s.message.from === 'c')).toEqual([]);
    expect(net.node('a').currentRole).toBe('leader');
  });

  it('a leader that removes itself steps down once the change is applied, and the others elect a leader (§6)', () => {
    // Raft §6: "the leader steps down (returns to follower state) once it has committed the C_new
    // log entry ... the leader ... manages a cluster that does not include itself" until then.
    const net = cluster();
    net.proposeConfChange('a', { op: 'removeVoter', id: 'a' });
    expect(net.node('a').status()).toMatchObject({ role: 'follower', member: false });
    for (const id of ['b', 'c']) expect(net.node(id).status().voters, `${id}`).toEqual(['b', 'c']);
    net.tickAll(40);
    const leaders = net.leaders();
    expect(leaders).toHaveLength(1);
    expect(['b', 'c']).toContain(leaders[0]);
    expect(net.node(leaders[0]!).currentTerm).toBeGreaterThan(1);
    expect(net.node(leaders[0]!).propose('after a left')).toMatchObject({ ok: true });
  });
});

describe('Raft §6: one change at a time', () => {
  it('a leader refuses a second membership change until the first one is applied (§6)', () => {
    // Thesis §4.1: "a leader ... does not begin a new configuration change until the previous one
    // has committed"; etcd-raft refuses it until the pending change is applied.
    const net = cluster();
    net.add('d', joinerStorage(ABC));
    net.add('e', joinerStorage(ABC));
    net.isolate('b');
    net.isolate('c');
    const a = net.node('a');
    expect(a.proposeConfChange({ op: 'addVoter', id: 'd' })).toMatchObject({ ok: true });
    net.stabilize();
    net.tick('a', 5);
    expect(a.status().voters).not.toContain('d'); // d alone cannot commit it: still pending
    expect(a.proposeConfChange({ op: 'addVoter', id: 'e' })).toEqual({ ok: false, error: 'conf-change-pending' });
    net.recover();
    net.tick('a');
    expect(a.status().voters).toContain('d');
    expect(a.proposeConfChange({ op: 'addVoter', id: 'e' })).toMatchObject({ ok: true });
  });

  it('a membership change takes effect on each server when it is applied, not when it is appended (§6, as in etcd-raft)', () => {
    // etcd-raft (thesis §4.1 allows either): the configuration in use changes when the entry is
    // applied, so an uncommitted change never alters quorums and needs no rollback when overwritten.
    const net = cluster();
    net.add('d', joinerStorage(ABC));
    net.ignore('AppendEntriesResponse'); // followers store entries, the leader never learns it
    const r = net.proposeConfChange('a', { op: 'addVoter', id: 'd' }) as { index: number };
    for (const id of ['a', 'b', 'c']) {
      expect(net.node(id).status().lastIndex, `${id}`).toBe(r.index);
      expect(net.node(id).status().voters, `${id}`).toEqual(ABC);
    }
    net.recover();
    net.tick('a');
    for (const id of ['a', 'b', 'c']) expect(net.node(id).status().voters, `${id}`).toContain('d');
  });
});
