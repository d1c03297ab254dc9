// A logger that cuts every value the keyring decrypted out of each line, whatever component wrote it and at any level.
import type { SecretsKeyring } from '@cascade/common/secrets';
import type { LogFields, Logger, LogLevel } from '@cascade/common/service';
import { redact } from '@cascade/common/service';

/** Wraps `logger` so that messages and fields pass through `keyring.scrub` before they are written. */
export function scrubbingLogger(logger: Logger, keyring: Pick<SecretsKeyring, 'scrub'>): Logger {
  // The keyring leaves Error objects as they are; made plain first (message, stack, cause), they are scrubbed too.
  const scrubFields = (fields: LogFields) => keyring.scrub(redact(fields) as LogFields);
  // A line its level leaves out is not scrubbed: debug lines come per watch event, and scrubbing walks every field.
  const line = (level: LogLevel, write: (message: string, fields?: LogFields) => void) => (message: string, fields?: LogFields) => {
    if (!logger.isEnabled(level)) return;
    if (fields === undefined) write(keyring.scrub(message));
    else write(keyring.scrub(message), scrubFields(fields));
  };
  return {
    debug: line('debug', (m, f) => logger.debug(m, f)),
    info: line('info', (m, f) => logger.info(m, f)),
    warn: line('warn', (m, f) => logger.warn(m, f)),
    error: line('error', (m, f) => logger.error(m, f)),
    child: (fields) => scrubbingLogger(logger.child(scrubFields(fields)), keyring),
    isEnabled: (level) => logger.isEnabled(level),
  };
}
