import { BaseCommand } from '../../base-command';
import { PROJECT_CONFIG_FILE, projectConfigJsonSchema } from '../../compose/project-config';

export default class ConfigSchema extends BaseCommand {
  static override summary = `Print the JSON Schema of ${PROJECT_CONFIG_FILE} (for editor completion and checks).`;
  static override examples = ['<%= config.bin %> config schema > rec.config.schema.json   # then "$schema": "./rec.config.schema.json" in rec.config.json'];

  async run(): Promise<void> {
    await this.parse(ConfigSchema);
    this.log(JSON.stringify(projectConfigJsonSchema(), null, 2));
  }
}
