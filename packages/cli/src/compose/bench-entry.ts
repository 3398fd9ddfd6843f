/** One row of a `rec bench` / `rec ablate` table: a label, a run-folder id, the model and its options. */
export interface BenchEntry {
  /** Row label in the tables ('sasrec', 'w/o user'). */
  readonly name: string;
  /** Folder of the row's runs under the bench folder (`<id>/seed-<seed>`); filesystem-safe. */
  readonly id: string;
  readonly model: string;
  readonly modelConfig: Readonly<Record<string, unknown>>;
}
