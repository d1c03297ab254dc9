// Credentials of the local cluster: static bearer tokens per identity, the service-account signing key, and kubeconfigs.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

/** An identity the API server accepts through its static token file. */
export interface TokenIdentity {
  /** Short name, also used for the kubeconfig file name. */
  name: string;
  user: string;
  groups: string[];
  token: string;
}

/** Fresh random tokens for the admin (system:masters) and each control-plane component. */
export function createIdentities(): TokenIdentity[] {
  const token = () => randomBytes(24).toString('hex');
  return [
    { name: 'admin', user: 'cascade-admin', groups: ['system:masters'], token: token() },
    // These two user names are the ones the bootstrap RBAC policy grants the component roles to.
    { name: 'controller-manager', user: 'system:kube-controller-manager', groups: [], token: token() },
    { name: 'scheduler', user: 'system:kube-scheduler', groups: [], token: token() },
    // kwok writes node and pod status on behalf of fake kubelets.
    { name: 'kwok', user: 'kwok', groups: ['system:masters'], token: token() },
  ];
}

/** Writes the API server's --token-auth-file: `token,user,uid,"group1,group2"` per line, readable only by us. */
export function writeTokenFile(path: string, identities: TokenIdentity[]): void {
  const lines = identities.map((i) => `${i.token},${i.user},${i.user},"${i.groups.join(',')}"`);
  writeFileSync(path, lines.join('\n') + '\n', { mode: 0o600 });
}

/** Writes a PKCS#1 RSA key pair used to sign and verify service-account tokens. */
export function writeServiceAccountKeys(privatePath: string, publicPath: string): void {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeFileSync(privatePath, privateKey, { mode: 0o600 });
  writeFileSync(publicPath, publicKey);
}

/** Renders a single-context kubeconfig that trusts `caPem` and authenticates with the identity's token. */
export function renderKubeconfig(server: string, caPem: string, identity: TokenIdentity): string {
  const ca = Buffer.from(caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: cascade-local',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${identity.name}`,
    '  user:',
    `    token: ${identity.token}`,
    'contexts:',
    '- name: cascade-local',
    '  context:',
    '    cluster: cascade-local',
    `    user: ${identity.name}`,
    'current-context: cascade-local',
    '',
  ].join('\n');
}
