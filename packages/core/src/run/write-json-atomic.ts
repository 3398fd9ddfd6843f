import writeFileAtomic from 'write-file-atomic';

/** Writes `value` as pretty JSON through a temporary file and a rename, so a crash never leaves half a file. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
