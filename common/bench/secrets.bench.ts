// Secrets in a render: 1,000 resources whose version files each hold one encrypted value (as the aggregator writes
// them), decrypted cold (every file's data key opened with age) and warm (the keyring's results by blob id), and the
// render of the environment with those values beside the same repo with the values in plain text.
import { parseSnapshot, renderEnvironment, repoFilesFromText, secretFiles } from '@cascade/common';
import { parseAgeIdentities, SecretsKeyring, SopsDataKey, encryptSopsYamlWithKey, generateAgeIdentity } from '@cascade/common/secrets';

const RESOURCES = 1_000;
const ROUNDS = 15;
const ENV = 'dev';
const NOW = new Date('2026-05-06T07:08:09Z');

const base = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: \${replicas}
  template:
    spec:
      containers:
        - name: app
          image: \${image}
          env: [ { name: API_KEY, value: "\${secrets.API_KEY}" } ]
`;
const plainVersion = (name: string) => `version: "1.0.0"\nimage: registry/${name}:1.0.0\nreplicas: 2\nsecrets:\n  API_KEY: key-of-${name}-0123456789abcdef\n`;

/** The repo with every version file plain, and the same repo with `secrets` encrypted as the aggregator writes it. */
async function repos(recipient: string) {
  const plain: Record<string, string> = { 'deployers.yaml': `deployers:\n  ${ENV}: { target: local, namespace: ${ENV} }\n` };
  for (let i = 0; i < RESOURCES; i++) {
    plain[`${ENV}/base/svc-${i}.yaml`] = base(`svc-${i}`);
    plain[`${ENV}/version/svc-${i}.yaml`] = plainVersion(`svc-${i}`);
  }
  // One wrapped key for all files keeps the set-up short; decrypting still opens each file's key entry on its own.
  const key = await SopsDataKey.create([recipient], 'bench');
  const encrypted = { ...plain };
  for (let i = 0; i < RESOURCES; i++) {
    const path = `${ENV}/version/svc-${i}.yaml`;
    encrypted[path] = encryptSopsYamlWithKey(plain[path]!, key, { file: path, rule: { field: 'encrypted_regex', value: '^secrets$' }, macOnlyEncrypted: true, now: NOW });
  }
  return { plain: parseSnapshot(repoFilesFromText('plain', plain)), encrypted: parseSnapshot(repoFilesFromText('encrypted', encrypted)) };
}

/** Median and p95 of `rounds` runs of `body`, in ms. */
async function measure(rounds: number, body: () => unknown): Promise<{ median: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    await body();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, p95: times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]! };
}

const fmt = ({ median, p95 }: { median: number; p95: number }) => `${median.toFixed(1)} ms (p95 ${p95.toFixed(1)} ms)`;

const { identityFile, recipient } = await generateAgeIdentity(NOW);
const identities = await parseAgeIdentities(identityFile, 'bench.key');
const { plain, encrypted } = await repos(recipient);
const files = secretFiles(encrypted, ENV);
if (files.length !== RESOURCES) throw new Error(`expected ${RESOURCES} encrypted files, found ${files.length}`);

const cold = await measure(3, async () => new SecretsKeyring(identities).open(files));
const keyring = new SecretsKeyring(identities);
await keyring.open(files);
const warm = await measure(ROUNDS, () => keyring.open(files));
// A fresh parse cache per round: both renders parse every base and version file, as after a deployer restart.
const renderPlain = await measure(ROUNDS, () => renderEnvironment(plain, ENV, new Map()));
const renderSecrets = await measure(ROUNDS, () => renderEnvironment(encrypted, ENV, new Map(), { secrets: keyring }));
const sample = renderEnvironment(encrypted, ENV, new Map(), { secrets: keyring }).find((r) => r.name === 'svc-7');
if (!sample || !JSON.stringify(sample).includes('key-of-svc-7-0123456789abcdef')) throw new Error('the render did not use the decrypted value');

console.log(`secrets benchmark: ${RESOURCES} resources in one environment, one encrypted value each; median of ${ROUNDS} rounds (cold: 3)\n`);
console.log('| Step | Time |');
console.log('|---|---|');
console.log(`| Decrypt ${RESOURCES} values, cold (age + AES-GCM + MAC per file) | ${fmt(cold)} |`);
console.log(`| Decrypt ${RESOURCES} values, warm (cached by blob id) | ${fmt(warm)} |`);
console.log(`| Render without secrets (values in plain text) | ${fmt(renderPlain)} |`);
console.log(`| Render with secrets (warm keyring) | ${fmt(renderSecrets)} |`);
console.log(`\nRender with secrets / without: ${(renderSecrets.median / renderPlain.median).toFixed(2)}x (target: within 1.2x)`);
