import { describe, expect, it } from 'vitest';
import { SECTION_KEYS, projectConfigJsonSchema } from './project-config';

type Schema = { properties: Record<string, Schema & { additionalProperties?: Schema | false }>; additionalProperties?: Schema | false };

describe('projectConfigJsonSchema', () => {
  it('describes every section key at each level and, like the loader, refuses unknown keys', () => {
    const s = projectConfigJsonSchema() as unknown as Schema;
    expect(s.additionalProperties).toBe(false);
    const dataset = s.properties.datasets.additionalProperties as Schema;
    const model = s.properties.models.additionalProperties as Schema;
    for (const k of SECTION_KEYS) {
      expect(s.properties).toHaveProperty([k]);
      expect(dataset.properties).toHaveProperty([k]);
      expect(model.properties).toHaveProperty([k]);
    }
    expect(dataset.additionalProperties).toBe(false);
    expect(model.additionalProperties).toBe(false);
    // only the general section picks the default dataset; per-model sections pick no model
    expect(Object.keys(s.properties)).toContain('dataset');
    expect(Object.keys(dataset.properties)).not.toContain('dataset');
    expect(Object.keys(model.properties)).not.toContain('model');
  });
});
