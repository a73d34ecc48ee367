/**
 * The interpreter of scripted Raft interactions, after etcd-raft's `rafttest.InteractionEnv`: a
 * cluster of RaftNodes on a FIFO network that the script drives one command at a time, printing
 * every Ready and message in etcd's text format. Pure: a script string in, a transcript out.
 *
 * Commands (ids are "1", "2", …; `(a,b)` lists may use commas or spaces):
 * - `add-nodes N [voters=(1,2,3)] [index=K] [prevote=true] [checkquorum=true] [max-msg-entries=M]`
 * - `campaign ID`, `tick-election ID`, `tick-heartbeat ID`, `tick ID [n=N]`
 * - `set-randomized-election-timeout ID timeout=T`
 * - `propose ID DATA`, `propose-conf-change ID add|remove NODE`
 * - `process-ready ID...`, `deliver-msgs [ID...] [drop=(ID,...)] [from=ID] [type=MsgApp]`, `stabilize [ID...]`
 * - `isolate ID`, `recover`, `crash ID`, `restart ID`, `compact ID`
 * - `raft-state`, `raft-log ID`, `status ID`
 * - `checkpoint NAME`, `rewind NAME` (replays the script up to the checkpoint into a fresh cluster,
 *   so one script can explore two futures of the same past, like Figure 8 (d) and (e))
 */
import { Rng, hashString32 } from '../../core/Rng';
import { MemoryStorage } from '../MemoryStorage';
import { RaftNode } from '../RaftNode';
import type { Entry, HardState, Message, MessageType, RaftConfig, RaftId, RaftRole, Ready, Snapshot } from '../types';
import { type CommandArg, parseScript } from './datadriven';

/** A parsed command: its name, arguments and input lines. */
export interface InteractionCommand {
  name: string;
  args: CommandArg[];
  input: string[];
}

const STATE_NAMES: Record<RaftRole, string> = {
  follower: 'StateFollower',
  precandidate: 'StatePreCandidate',
  candidate: 'StateCandidate',
  leader: 'StateLeader',
};

const MESSAGE_NAMES: Record<MessageType, string> = {
  RequestVote: 'MsgVote',
  RequestVoteResponse: 'MsgVoteResp',
  PreVote: 'MsgPreVote',
  PreVoteResponse: 'MsgPreVoteResp',
  AppendEntries: 'MsgApp',
  AppendEntriesResponse: 'MsgAppResp',
  Heartbeat: 'MsgHeartbeat',
  HeartbeatResponse: 'MsgHeartbeatResp',
  InstallSnapshot: 'MsgSnap',
  TimeoutNow: 'MsgTimeoutNow',
};

const PROGRESS_NAMES: Record<string, string> = {
  probe: 'StateProbe',
  replicate: 'StateReplicate',
  snapshot: 'StateSnapshot',
};

/** Ticks and limits of every scripted node (etcd's interaction tests use ElectionTick 3, HeartbeatTick 1). */
const ELECTION_TICKS = 3;
const HEARTBEAT_TICKS = 1;
/** Like etcd, the randomized timeout is drawn from [election, 2 × election − 1]. */
const ELECTION_TICKS_MAX = 2 * ELECTION_TICKS - 1;
/** The most rounds `stabilize` runs before it reports a livelock. */
const STABILIZE_ROUNDS_MAX = 1000;

/** Every node's Rng derives from this root seed, its id and how often it restarted. */
const ROOT_SEED = 1;

/** A script error shown in the transcript (and so failing the golden comparison). */
class CommandError extends Error {}

// ------------------------------------------------------------------ formatting (etcd's describe*)

/** `1/12 EntryNormal "prop_1"` / `1/13 EntryConfChange v4` (etcd's DescribeEntry). */
export function describeEntry(e: Entry): string {
  if (e.type === 'confChange') {
    return `${e.term}/${e.index} EntryConfChange ${e.change.op === 'addVoter' ? 'v' : 'r'}${e.change.id}`;
  }
  return `${e.term}/${e.index} EntryNormal ${formatData(e.data)}`;
}

function formatData(data: unknown): string {
  if (data === null || data === undefined) return '""';
  if (typeof data === 'string') return JSON.stringify(data);
  return JSON.stringify(JSON.stringify(data));
}

/** `Index:4 Term:1 ConfState:Voters:[1 2 3]` (etcd's DescribeSnapshot, without learners). */
export function describeSnapshot(s: Snapshot): string {
  return `Index:${s.index} Term:${s.term} ConfState:Voters:[${s.conf.voters.join(' ')}]`;
}

/** `1->2 MsgApp Term:1 Log:1/11 Commit:11 Entries:[1/12 EntryNormal "prop_1"]` (etcd's DescribeMessage). */
export function describeMessage(m: Message): string[] {
  let head = `${m.from}->${m.to} ${MESSAGE_NAMES[m.type]} Term:${m.term} Log:${m.logTerm}/${m.index}`;
  if (m.reject) head += ` Rejected (Hint: ${m.rejectHint ?? 0})`;
  if (m.commit) head += ` Commit:${m.commit}`;
  const entries = m.entries ?? [];
  const lines: string[] = [];
  if (entries.length === 1) {
    lines.push(`${head} Entries:[${describeEntry(entries[0]!)}]`);
  } else if (entries.length > 1) {
    lines.push(`${head} Entries:[`, ...entries.map((e) => `  ${describeEntry(e)}`), ']');
  } else {
    lines.push(head);
  }
  if (m.snapshot) lines.push(`  Snapshot: ${describeSnapshot(m.snapshot)}`);
  return lines;
}

function describeHardState(hs: HardState): string {
  return `Term:${hs.term} Vote:${hs.vote ?? 0} Commit:${hs.commit}`;
}

/** etcd's DescribeReady: soft state, hard state, entries, snapshot, committed entries, messages. */
export function describeReady(rd: Ready, mustSync: boolean): string[] {
  const lines: string[] = [];
  if (rd.softState) lines.push(`Lead:${rd.softState.leader ?? 0} State:${STATE_NAMES[rd.softState.role]}`);
  if (rd.hardState) lines.push(`HardState ${describeHardState(rd.hardState)}`);
  if (rd.entries.length > 0) lines.push('Entries:', ...rd.entries.map(describeEntry));
  if (rd.snapshot) lines.push(`Snapshot ${describeSnapshot(rd.snapshot)}`);
  if (rd.committedEntries.length > 0) lines.push('CommittedEntries:', ...rd.committedEntries.map(describeEntry));
  if (rd.messages.length > 0) lines.push('Messages:', ...rd.messages.flatMap(describeMessage));
  if (lines.length === 0) return ['<empty Ready>'];
  return [`Ready MustSync=${mustSync}:`, ...lines];
}

// ------------------------------------------------------------------ the environment

/** One simulated server: its disk survives `crash`, its RaftNode and state machine do not. */
interface NodeSlot {
  id: RaftId;
  config: RaftConfig;
  storage: MemoryStorage;
  /** null while crashed. */
  raft: RaftNode | null;
  incarnation: number;
  /** The state machine: the data of every applied normal entry, in order (volatile). */
  applied: unknown[];
}

/** What a command may change about a node, compared before and after to print etcd-like INFO lines. */
interface Observed {
  role: RaftRole;
  term: number;
  vote: RaftId | null;
  voters: string;
  member: boolean;
}

function observe(raft: RaftNode): Observed {
  const s = raft.status();
  return { role: s.role, term: s.term, vote: s.vote, voters: s.voters.join(' '), member: s.member };
}

const ROLE_WORDS: Record<RaftRole, string> = {
  follower: 'follower',
  precandidate: 'pre-candidate',
  candidate: 'candidate',
  leader: 'leader',
};

function describeChanges(id: RaftId, before: Observed, after: Observed, cause?: Message): string[] {
  const lines: string[] = [];
  // Like etcd, a pre-vote request or a granted pre-vote answer is not a "higher term" to adopt.
  const adoptsTerm = cause !== undefined && cause.type !== 'PreVote' && !(cause.type === 'PreVoteResponse' && !cause.reject);
  if (cause && adoptsTerm && after.term > before.term && cause.term > before.term) {
    lines.push(
      `INFO ${id} [term: ${before.term}] received a ${MESSAGE_NAMES[cause.type]} message with higher term from ${cause.from} [term: ${cause.term}]`,
    );
  }
  if (after.role !== before.role || after.term !== before.term) {
    lines.push(`INFO ${id} became ${ROLE_WORDS[after.role]} at term ${after.term}`);
  }
  if (after.vote !== null && after.vote !== id && (after.vote !== before.vote || after.term !== before.term)) {
    lines.push(`INFO ${id} cast MsgVote for ${after.vote} at term ${after.term}`);
  }
  if (after.voters !== before.voters) lines.push(`INFO ${id} switched to configuration voters=(${after.voters})`);
  if (before.member && !after.member) lines.push(`INFO ${id} applied its own removal and left the group`);
  return lines;
}

/** A cluster, its network and its command handlers. */
class Environment {
  private readonly nodes = new Map<RaftId, NodeSlot>();
  /** Messages in flight, oldest first. */
  private queue: Message[] = [];
  private readonly isolated = new Set<RaftId>();
  private out: string[] = [];
  private indent = '';

  exec(cmd: InteractionCommand): string {
    this.out = [];
    this.indent = '';
    try {
      this.dispatch(cmd);
    } catch (e) {
      // Whatever the command printed before failing stays in the output, followed by the error.
      if (!(e instanceof Error)) throw e;
      this.indent = '';
      this.print(`error: ${e.message}`);
    }
    return this.out.length === 0 ? 'ok' : this.out.join('\n');
  }

  private dispatch(cmd: InteractionCommand): void {
    if (cmd.input.length > 0) throw new CommandError(`${cmd.name} takes no input lines`);
    switch (cmd.name) {
      case 'add-nodes':
        this.addNodes(cmd);
        break;
      case 'campaign':
        this.campaign(cmd);
        break;
      case 'tick-election':
        this.tick(this.live(this.idArg(cmd, 0)), ELECTION_TICKS);
        break;
      case 'tick-heartbeat':
        this.tick(this.live(this.idArg(cmd, 0)), HEARTBEAT_TICKS);
        break;
      case 'tick':
        this.tick(this.live(this.idArg(cmd, 0)), this.intArg(cmd, 'n', 1));
        break;
      case 'set-randomized-election-timeout':
        this.live(this.idArg(cmd, 0)).raft!.setRandomizedElectionTimeout(this.intArg(cmd, 'timeout'));
        break;
      case 'propose':
        this.propose(cmd);
        break;
      case 'propose-conf-change':
        this.proposeConfChange(cmd);
        break;
      case 'process-ready':
        this.processReadyCommand(cmd);
        break;
      case 'deliver-msgs':
        this.deliverMsgsCommand(cmd);
        break;
      case 'stabilize':
        this.stabilize(this.positionalIds(cmd));
        break;
      case 'isolate':
        this.isolated.add(this.slot(this.idArg(cmd, 0)).id);
        break;
      case 'recover':
        this.isolated.clear();
        break;
      case 'crash':
        this.crash(cmd);
        break;
      case 'restart':
        this.restart(cmd);
        break;
      case 'compact':
        this.compact(cmd);
        break;
      case 'raft-state':
        this.raftState();
        break;
      case 'raft-log':
        this.raftLog(cmd);
        break;
      case 'status':
        this.status(cmd);
        break;
      default:
        throw new CommandError(`unknown command ${cmd.name}`);
    }
  }

  // ---------------------------------------------------------------- arguments

  private positionalIds(cmd: InteractionCommand): RaftId[] {
    return cmd.args.filter((a) => a.values.length === 0).map((a) => this.slot(a.key).id);
  }

  private idArg(cmd: InteractionCommand, position: number): RaftId {
    const positional = cmd.args.filter((a) => a.values.length === 0);
    const id = positional[position]?.key;
    if (id === undefined) throw new CommandError(`${cmd.name}: missing node id`);
    return id;
  }

  private arg(cmd: InteractionCommand, key: string): string[] | undefined {
    return cmd.args.find((a) => a.key === key)?.values;
  }

  private intArg(cmd: InteractionCommand, key: string, fallback?: number): number {
    const v = this.arg(cmd, key)?.[0];
    if (v === undefined) {
      if (fallback === undefined) throw new CommandError(`${cmd.name}: missing ${key}=`);
      return fallback;
    }
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new CommandError(`${cmd.name}: ${key}=${v} is not a count`);
    return n;
  }

  private boolArg(cmd: InteractionCommand, key: string): boolean {
    const v = this.arg(cmd, key)?.[0];
    if (v === undefined) return false;
    if (v !== 'true' && v !== 'false') throw new CommandError(`${cmd.name}: ${key}=${v} is not true|false`);
    return v === 'true';
  }

  private slot(id: RaftId): NodeSlot {
    const n = this.nodes.get(id);
    if (!n) throw new CommandError(`no node ${id}`);
    return n;
  }

  private live(id: RaftId): NodeSlot {
    const n = this.slot(id);
    if (!n.raft) throw new CommandError(`node ${id} is crashed`);
    return n;
  }

  private sortedIds(): RaftId[] {
    return sortIds([...this.nodes.keys()]);
  }

  // ---------------------------------------------------------------- output

  private print(...lines: string[]): void {
    for (const l of lines) this.out.push(this.indent + l);
  }

  private indented(fn: () => void): void {
    const saved = this.indent;
    this.indent += '  ';
    try {
      fn();
    } finally {
      this.indent = saved;
    }
  }

  /** Runs `fn` on a node and prints what it changed about the node's role, term, vote and voters. */
  private watch(n: NodeSlot, fn: (raft: RaftNode) => void, cause?: Message): void {
    const raft = n.raft!;
    const before = observe(raft);
    fn(raft);
    this.print(...describeChanges(n.id, before, observe(raft), cause));
  }

  // ---------------------------------------------------------------- commands

  private addNodes(cmd: InteractionCommand): void {
    const count = Number(this.idArg(cmd, 0));
    if (!Number.isInteger(count) || count < 1) throw new CommandError('add-nodes: N must be a positive count');
    const voters = this.arg(cmd, 'voters') ?? [];
    const index = this.intArg(cmd, 'index', 0);
    const base: Omit<RaftConfig, 'id'> = {
      heartbeatTicks: HEARTBEAT_TICKS,
      electionTimeoutTicksMin: ELECTION_TICKS,
      electionTimeoutTicksMax: ELECTION_TICKS_MAX,
      checkQuorum: this.boolArg(cmd, 'checkquorum'),
      preVote: this.boolArg(cmd, 'prevote'),
      maxEntriesPerMessage: this.intArg(cmd, 'max-msg-entries', 64),
      maxInflightMessages: 256,
    };
    for (let k = 0; k < count; k++) {
      const id = String(this.nodes.size + 1);
      const storage = new MemoryStorage({ voters });
      if (index > 0) {
        // etcd's add-nodes index=K: the log starts after a snapshot at K (term 1) that carries the voters.
        storage.snapshot = { index, term: 1, conf: { voters: voters.slice() }, data: [] };
        storage.hardState = { term: 0, vote: null, commit: index };
      }
      const slot: NodeSlot = { id, config: { id, ...base }, storage, raft: null, incarnation: 0, applied: [] };
      this.nodes.set(id, slot);
      this.boot(slot);
    }
  }

  /** Builds a RaftNode from what is on the node's disk (a fresh node or a restart). */
  private boot(n: NodeSlot): void {
    const rng = new Rng(hashString32(`${ROOT_SEED}:raft:${n.id}:${n.incarnation}`));
    n.raft = new RaftNode(n.config, n.storage, rng);
    const snapData = n.storage.snapshot.data;
    n.applied = Array.isArray(snapData) ? snapData.slice() : [];
    const s = n.raft.status();
    this.print(
      `INFO newRaft ${n.id} [peers: [${s.voters.join(',')}], term: ${s.term}, commit: ${s.commit}, applied: ${s.applied}, lastindex: ${s.lastIndex}, lastterm: ${s.lastTerm}]`,
    );
  }

  private campaign(cmd: InteractionCommand): void {
    const n = this.live(this.idArg(cmd, 0));
    this.watch(n, (raft) => raft.campaign());
  }

  private tick(n: NodeSlot, ticks: number): void {
    for (let i = 0; i < ticks; i++) this.watch(n, (raft) => raft.tick());
  }

  private propose(cmd: InteractionCommand): void {
    const n = this.live(this.idArg(cmd, 0));
    const data = this.idArg(cmd, 1);
    const result = n.raft!.propose(data);
    if (!result.ok) this.print(`error: ${result.error}`);
  }

  private proposeConfChange(cmd: InteractionCommand): void {
    const n = this.live(this.idArg(cmd, 0));
    const op = this.idArg(cmd, 1);
    const target = this.idArg(cmd, 2);
    if (op !== 'add' && op !== 'remove') throw new CommandError('propose-conf-change: op must be add or remove');
    const result = n.raft!.proposeConfChange({ op: op === 'add' ? 'addVoter' : 'removeVoter', id: target });
    if (!result.ok) this.print(`error: ${result.error}`);
  }

  private processReadyCommand(cmd: InteractionCommand): void {
    const ids = this.positionalIds(cmd);
    if (ids.length === 0) throw new CommandError('process-ready: missing node id');
    for (const id of ids) {
      if (ids.length > 1) {
        this.print(`> ${id} handling Ready`);
        this.indented(() => this.processReady(this.live(id)));
      } else {
        this.processReady(this.live(id));
      }
    }
  }

  /** The host loop of one Ready: persist, send, apply, advance (etcd's README order). */
  private processReady(n: NodeSlot): void {
    const raft = n.raft!;
    if (!raft.hasReady()) {
      this.print('<empty Ready>');
      return;
    }
    const rd = raft.ready();
    const st = n.storage;
    const mustSync =
      rd.entries.length > 0 ||
      rd.snapshot !== null ||
      (rd.hardState !== null && (rd.hardState.term !== st.hardState.term || rd.hardState.vote !== st.hardState.vote));
    // 1. Persist the snapshot, the entries and the hard state.
    if (rd.snapshot) st.applySnapshot(rd.snapshot);
    st.append(rd.entries);
    if (rd.hardState) st.setHardState(rd.hardState);
    // 2. Send.
    this.queue.push(...rd.messages);
    // 3. Apply.
    if (rd.snapshot) n.applied = Array.isArray(rd.snapshot.data) ? rd.snapshot.data.slice() : [];
    for (const e of rd.committedEntries) if (e.type === 'normal' && e.data !== null) n.applied.push(e.data);
    this.print(...describeReady(rd, mustSync));
    // 4. Advance (applies committed membership changes).
    this.watch(n, (r) => r.advance(rd));
  }

  private deliverMsgsCommand(cmd: InteractionCommand): void {
    const drop = (this.arg(cmd, 'drop') ?? []).map((id) => this.slot(id).id);
    const from = this.arg(cmd, 'from')?.[0];
    const type = this.arg(cmd, 'type')?.[0];
    if (type !== undefined && !Object.values(MESSAGE_NAMES).includes(type)) {
      throw new CommandError(`deliver-msgs: unknown message type ${type}`);
    }
    const matches = (m: Message): boolean =>
      (from === undefined || m.from === from) && (type === undefined || MESSAGE_NAMES[m.type] === type);
    for (const id of drop) {
      for (const m of this.take(id, matches)) this.print(...prefixed('dropped: ', describeMessage(m)));
    }
    let recipients = this.positionalIds(cmd);
    if (recipients.length === 0 && drop.length === 0) recipients = this.sortedIds();
    recipients = recipients.filter((id) => this.queue.some((m) => m.to === id && matches(m)));
    for (const id of recipients) {
      if (recipients.length > 1) {
        this.print(`> ${id} receiving messages`);
        this.indented(() => this.deliver(id, matches));
      } else {
        this.deliver(id, matches);
      }
    }
  }

  /** Removes and returns the queued messages to `to` that match, oldest first. */
  private take(to: RaftId, matches: (m: Message) => boolean = () => true): Message[] {
    const taken: Message[] = [];
    const kept: Message[] = [];
    for (const m of this.queue) (m.to === to && matches(m) ? taken : kept).push(m);
    this.queue = kept;
    return taken;
  }

  /** Delivers the queued messages to `to`; the partition and crashes drop some. */
  private deliver(to: RaftId, matches?: (m: Message) => boolean): void {
    const n = this.slot(to);
    for (const m of this.take(to, matches)) {
      if (!n.raft || this.isolated.has(m.from) || this.isolated.has(m.to)) {
        this.print(...prefixed('dropped: ', describeMessage(m)));
        continue;
      }
      this.print(...describeMessage(m));
      this.indented(() => this.watch(n, (raft) => raft.step(m), m));
    }
  }

  /** etcd's stabilize: handle every Ready, deliver every message, until nothing is left to do. */
  private stabilize(only: RaftId[]): void {
    const ids = only.length > 0 ? only : this.sortedIds();
    for (let round = 0; round < STABILIZE_ROUNDS_MAX; round++) {
      let done = true;
      for (const id of ids) {
        const n = this.slot(id);
        if (n.raft?.hasReady()) {
          this.print(`> ${id} handling Ready`);
          this.indented(() => this.processReady(n));
          done = false;
        }
      }
      for (const id of ids) {
        if (this.queue.some((m) => m.to === id)) {
          this.print(`> ${id} receiving messages`);
          this.indented(() => this.deliver(id));
          done = false;
        }
      }
      if (done) return;
    }
    throw new CommandError(`stabilize: not quiescent after ${STABILIZE_ROUNDS_MAX} rounds`);
  }

  private crash(cmd: InteractionCommand): void {
    const n = this.live(this.idArg(cmd, 0));
    // Only the disk survives: the RaftNode, its unpersisted Ready and the state machine are lost.
    n.raft = null;
    n.applied = [];
  }

  private restart(cmd: InteractionCommand): void {
    const n = this.slot(this.idArg(cmd, 0));
    if (n.raft) throw new CommandError(`node ${n.id} is running; crash it first`);
    n.incarnation++;
    this.boot(n);
  }

  private compact(cmd: InteractionCommand): void {
    const n = this.live(this.idArg(cmd, 0));
    const snapshot = n.raft!.compact(n.applied.slice());
    if (!snapshot) {
      this.print('nothing to compact');
      return;
    }
    n.storage.compact(snapshot);
    this.print(`compacted: Snapshot ${describeSnapshot(snapshot)}`);
  }

  private raftState(): void {
    for (const id of this.sortedIds()) {
      const n = this.slot(id);
      const cut = this.isolated.has(id) ? ' [isolated]' : '';
      if (!n.raft) {
        this.print(`${id}: crashed (disk: HardState ${describeHardState(n.storage.hardState)})${cut}`);
        continue;
      }
      const s = n.raft.status();
      const voter = s.voters.includes(id) ? 'Voter' : 'Non-Voter';
      this.print(`${id}: ${STATE_NAMES[s.role]} (${voter}) Term:${s.term} Lead:${s.leader ?? 0}${cut}`);
    }
  }

  private raftLog(cmd: InteractionCommand): void {
    const n = this.slot(this.idArg(cmd, 0));
    let snapshot: Snapshot;
    let entries: Entry[];
    if (n.raft) {
      snapshot = n.raft.latestSnapshot();
      const s = n.raft.status();
      entries = [];
      for (let i = s.firstIndex; i <= s.lastIndex; i++) entries.push(n.raft.entryAt(i)!);
    } else {
      snapshot = n.storage.snapshot;
      entries = n.storage.entries;
    }
    if (snapshot.index > 0) this.print(`Snapshot ${describeSnapshot(snapshot)}`);
    if (entries.length === 0) {
      this.print(`log is empty: first index=${snapshot.index + 1}, last index=${snapshot.index}`);
    }
    this.print(...entries.map(describeEntry));
  }

  private status(cmd: InteractionCommand): void {
    const n = this.live(this.idArg(cmd, 0));
    const s = n.raft!.status();
    if (s.role !== 'leader') {
      this.print(`${n.id} is not the leader (${STATE_NAMES[s.role]}); it tracks no progress`);
      return;
    }
    this.print(`${n.id}: ${STATE_NAMES[s.role]} Term:${s.term} Commit:${s.commit} LastIndex:${s.lastIndex}`);
    const ids = sortIds(Object.keys(s.progress).filter((id) => id !== n.id));
    for (const id of ids) {
      const pr = s.progress[id]!;
      const inactive = pr.recentActive ? '' : ' inactive';
      this.print(`${id}: ${PROGRESS_NAMES[pr.state] ?? pr.state} match=${pr.match} next=${pr.next}${inactive}`);
    }
  }
}

/** Node ids in numeric order ("2" before "10"). Sorts a fresh array in place (ES2022 has no toSorted). */
function sortIds(ids: RaftId[]): RaftId[] {
  // oxlint-disable-next-line unicorn/no-array-sort
  return ids.sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
}

function prefixed(prefix: string, lines: string[]): string[] {
  return lines.map((l, i) => (i === 0 ? prefix + l : l));
}

// ------------------------------------------------------------------ the interpreter

/**
 * A scripted interaction session: executes commands one at a time against a fresh cluster and
 * returns each command's output. Deterministic: the same commands give the same outputs.
 */
export class RaftInteraction {
  private env = new Environment();
  /** Every command executed so far (the replay log behind `rewind`). */
  private history: InteractionCommand[] = [];
  private readonly checkpoints = new Map<string, number>();

  /** Executes one command and returns its output ("ok" when it prints nothing; "error: …" on failure). */
  exec(cmd: InteractionCommand): string {
    if (cmd.name === 'checkpoint' || cmd.name === 'rewind') {
      try {
        return cmd.name === 'checkpoint' ? this.checkpoint(cmd) : this.rewind(cmd);
      } catch (e) {
        if (e instanceof Error) return `error: ${e.message}`;
        throw e;
      }
    }
    // A failing command still ran up to its error, so it stays in the replay log too.
    this.history.push(cmd);
    return this.env.exec(cmd);
  }

  private checkpoint(cmd: InteractionCommand): string {
    const name = cmd.args[0]?.key;
    if (name === undefined) throw new CommandError('checkpoint: missing name');
    this.checkpoints.set(name, this.history.length);
    return 'ok';
  }

  private rewind(cmd: InteractionCommand): string {
    const name = cmd.args[0]?.key;
    const at = name === undefined ? undefined : this.checkpoints.get(name);
    if (at === undefined) throw new CommandError(`rewind: no checkpoint ${name ?? ''}`);
    const replay = this.history.slice(0, at);
    this.env = new Environment();
    this.history = [];
    for (const c of replay) this.exec(c);
    return `rewound to checkpoint ${name} (replayed ${replay.length} commands)`;
  }
}

/**
 * Runs a script (datadriven text, or bare command lines) and returns its transcript: each
 * command, `----`, its output and a blank line. Expected outputs in the script are ignored.
 */
export function interpret(script: string): string {
  const session = new RaftInteraction();
  const parts: string[] = [];
  for (const block of parseScript(script)) {
    const output = session.exec({ name: block.name, args: block.args, input: block.input });
    parts.push(`${block.commandLine}\n----\n${output}\n`);
  }
  return parts.join('\n');
}
