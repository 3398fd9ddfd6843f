import { PLUGIN_API_VERSION, type PluginManifest } from '@ed2/core';

/** The CLI contributes no components of its own; it composes the others. */
const manifest: PluginManifest = { meta: { name: '@ed2/cli', version: '0.1.0', apiVersion: PLUGIN_API_VERSION } };
export default manifest;
