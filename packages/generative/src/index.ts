export * from './generative-config';
export * from './entity-spans';
export * from './entity-features';
export * from './index-rows';
export * from './joint-loss';
export * from './generative-recommender';
export * from './create-generative';
export * from './normalize-generative';
