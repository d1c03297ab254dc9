// The command-line tools the secrets tests run for real: which Go module builds them, at which version.
import type { ComponentSpec } from '../../cluster/lib/components.ts';

/** sops release built for the tests; Cascade's SOPS files must round-trip with it. */
export const SOPS_VERSION = 'v3.13.3';
/** age release built for the tests (age-keygen makes identities the way users do). */
export const AGE_VERSION = 'v1.3.2';

/** Every tool, smallest first, so the quick one is ready while sops still compiles. */
export const TOOLS: ComponentSpec[] = [
  {
    name: 'age',
    moduleDir: 'age',
    cacheKey: `age-${AGE_VERSION}`,
    binaries: ['age', 'age-keygen'].map((name) => ({ name, goPackage: `filippo.io/age/cmd/${name}` })),
    // Without the stamp both report "(devel)": built from a dependency, the main module has no version.
    ldflags: `-s -w -X main.Version=${AGE_VERSION}`,
  },
  {
    name: 'sops',
    moduleDir: 'sops',
    cacheKey: `sops-${SOPS_VERSION}`,
    binaries: [{ name: 'sops', goPackage: 'github.com/getsops/sops/v3/cmd/sops' }],
    // sops's version is a constant in its version package; nothing to stamp.
    ldflags: '-s -w',
  },
];
