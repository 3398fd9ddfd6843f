// Minimal typings for the parts of jstat (no bundled types) this package uses.
declare module 'jstat' {
  interface JStatStatic {
    studentt: { cdf(x: number, dof: number): number; inv(p: number, dof: number): number };
    normal: { cdf(x: number, mean: number, std: number): number };
  }
  const jStat: JStatStatic;
  export = jStat;
}
