// The command-line tools tests run for real (sops and age for secrets, helm for the chart): which Go module builds them, at which version.
import type { ComponentSpec } from '../../cluster/lib/components.ts';

/** sops release built for the tests; Cascade's SOPS files must round-trip with it. */
export const SOPS_VERSION = 'v3.13.3';
/** age release built for the tests (age-keygen makes identities the way users do). */
export const AGE_VERSION = 'v1.3.2';
/** helm release the chart test lints and renders deploy/helm/cascade with. */
export const HELM_VERSION = 'v4.3.1';

/** Every tool, smallest first, so the quick one is ready while sops still compiles; each is built only when first asked for. */
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
  {
    name: 'helm',
    moduleDir: 'helm',
    cacheKey: `helm-${HELM_VERSION}`,
    binaries: [{ name: 'helm', goPackage: 'helm.sh/helm/v4/cmd/helm' }],
    // What helm's Makefile stamps for a release tag; without it `helm version` reports the bare "v4.3".
    ldflags: `-s -w -X helm.sh/helm/v4/internal/version.version=${HELM_VERSION} -X helm.sh/helm/v4/internal/version.gitTreeState=clean`,
  },
];
