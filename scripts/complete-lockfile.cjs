#!/usr/bin/env node
// Lockfile repair for registries that mirror only this platform's binaries (as on our build machines):
// `npm install` there leaves other platforms' optional packages (e.g. @nx/nx-darwin-arm64,
// @rollup/rollup-win32-x64-msvc) out of package-lock.json, and `npm ci` then refuses the lock
// ("Missing: … from lock file"). This adds a lock entry for each missing optional dependency with the
// os/cpu/libc its name states, so `npm ci` skips it on other platforms exactly as with a complete lock.
// Usage after `npm install`: node scripts/complete-lockfile.cjs [package-lock.json]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const file = path.resolve(process.argv[2] ?? path.join(__dirname, '..', 'package-lock.json'));
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const OS = ['darwin', 'linux', 'win32', 'freebsd', 'openbsd', 'netbsd', 'sunos', 'android', 'aix', 'openharmony'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'loong64', 'ppc64', 'riscv64', 's390x', 'mips64el'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  let cpu = parts.find((p) => CPU.includes(p));
  if (!cpu && parts.includes('gnueabihf')) cpu = 'arm';
  if (!cpu && parts.includes('musleabihf')) cpu = 'arm';
  const libc = parts.some((p) => p.startsWith('musl')) ? 'musl' : os === 'linux' && parts.some((p) => p.startsWith('gnu')) ? 'glibc' : undefined;
  return { os, cpu, libc };
}

let added = 0;
for (const [loc, pkg] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    // where npm would look: nested under the parent, then at each ancestor node_modules, then the root
    const candidates = [];
    let base = loc;
    for (;;) {
      candidates.push(`${base ? `${base}/` : ''}node_modules/${dep}`);
      if (!base) break;
      const i = base.lastIndexOf('/node_modules/');
      base = i < 0 ? '' : base.slice(0, i);
    }
    if (candidates.some((c) => lock.packages[c])) continue;
    const { os, cpu, libc } = platformOf(dep);
    if (!os) continue; // not a platform binary: a real problem, leave it for npm to report
    const target = `node_modules/${dep}`;
    lock.packages[target] = {
      version,
      ...(cpu ? { cpu: [cpu] } : {}),
      ...(pkg.dev ? { dev: true } : {}),
      ...(libc ? { libc: [libc] } : {}),
      optional: true,
      os: [os],
    };
    added++;
  }
}
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`complete-lockfile: added ${added} optional platform entries to ${file}`);
