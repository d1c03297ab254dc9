// Secrets in the resource repo: SOPS YAML files with age recipients, read and written in exactly sops's format.
export { AgeIdentity, generateAgeIdentity, isAgeRecipient, parseAgeIdentities } from './age-keys.ts';
export type { CreationRule } from './creation-rules.ts';
export { creationRuleFor, parseCreationRules } from './creation-rules.ts';
export type { EncryptionRule, RuleField } from './encryption-rule.ts';
export { DEFAULT_ENCRYPTION_RULE } from './encryption-rule.ts';
export type { SecretsErrorCode, SecretsErrorData } from './errors.ts';
export { SecretsError } from './errors.ts';
export { SOPS_FORMAT_VERSION } from './metadata.ts';
export type { DecryptedSopsFile, DecryptSopsOptions, EncryptSopsOptions, SecretMap, SecretValue } from './sops-file.ts';
export { decryptSopsYaml, encryptSopsYaml } from './sops-file.ts';
export { MAX_SOPS_FILE_BYTES } from './yaml-tree.ts';
