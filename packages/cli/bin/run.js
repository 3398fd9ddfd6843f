#!/usr/bin/env node
// `rec` entry: reflect-metadata once (tsyringe), then oclif dispatches to dist/commands.
require('reflect-metadata');
require('@oclif/core')
  .execute({ dir: __dirname })
  .catch(require('@oclif/core/handle'));
