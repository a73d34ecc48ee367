export * from './types';
export { RaftNode, type RaftStatus, type ProposalResult, type ProposalError } from './RaftNode';
export { RaftLog, RaftSafetyError } from './RaftLog';
export { Progress, type ProgressState } from './Progress';
export { MemoryStorage } from './MemoryStorage';
export * from './presets';
