export * from './SimNetwork';
