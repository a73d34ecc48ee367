export * from './SimCluster';
export * from './RaftInvariants';
export * from './StateMachine';
