// A lock file for a project that depends only on the packed tarball: the tarball's entry plus this
// repository's lock entries for its runtime dependencies, at the same node_modules paths. With it,
// `npm ci --offline` installs exactly the versions tested here, from npm's cache (which this
// repository's own `npm ci` filled), without the network.

interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

interface Lock {
  packages: Record<string, LockEntry>;
}

interface PackageJson {
  name: string;
  version: string;
  license: string;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
}

/** The lock of a project named `name` whose one dependency is `pkg`, packed at `tarball` ("file:…"). */
export function consumerLock(name: string, pkg: PackageJson, tarball: string, repoLock: Lock): object {
  const { name: pkgName, version, license, dependencies, bin, engines } = pkg;
  return {
    name,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name, dependencies: { [pkgName]: tarball } },
      [`node_modules/${pkgName}`]: { version, resolved: tarball, license, dependencies, bin, engines },
      ...runtimeClosure(dependencies, repoLock),
    },
  };
}

/** Every lock entry reachable from `dependencies` (optional ones included), by node_modules path. */
function runtimeClosure(dependencies: Record<string, string>, lock: Lock): Record<string, LockEntry> {
  const found: Record<string, LockEntry> = {};
  const visit = (from: string, deps: Record<string, string> | undefined) => {
    for (const dep of Object.keys(deps ?? {})) {
      const at = locate(from, dep, lock);
      if (at === undefined) throw new Error(`package-lock.json has no ${dep} reachable from ${from || 'the root'}`);
      if (found[at]) continue;
      const entry = lock.packages[at];
      found[at] = entry;
      visit(at, { ...entry.dependencies, ...entry.optionalDependencies });
    }
  };
  visit('', dependencies);
  return found;
}

/** Where Node finds `dep` from the package at `from`: its own node_modules, then each parent's. */
function locate(from: string, dep: string, lock: Lock): string | undefined {
  for (let dir = from; ; dir = dir.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, '')) {
    const at = `${dir ? `${dir}/` : ''}node_modules/${dep}`;
    if (lock.packages[at]) return at;
    if (dir === '') return undefined;
  }
}
