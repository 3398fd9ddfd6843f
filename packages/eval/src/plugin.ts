import { PLUGIN_API_VERSION, type PluginManifest } from '@ed2/core';
import { metricFactories } from './metrics/metric-factories';

const manifest: PluginManifest = {
  meta: { name: '@ed2/eval', version: '0.1.0', apiVersion: PLUGIN_API_VERSION },
  metrics: metricFactories,
};
export default manifest;
