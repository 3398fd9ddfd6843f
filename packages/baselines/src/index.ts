export * from './configs';
export * from './gather-rows';
export * from './layer-norm';
export * from './sequence-batch';
export * from './sequential-model';
export * from './sequential-trainer';
export * from './sasrec';
export * from './gru4rec';
