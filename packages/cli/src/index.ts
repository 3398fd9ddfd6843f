export * from './compose/build-registry';
export * from './compose/first-party-plugins';
export * from './compose/run-experiment';
export * from './compose/parse-assignments';
export * from './render/progress-renderer';
