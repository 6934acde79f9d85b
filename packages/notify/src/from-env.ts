// Picks the notifier adapter from configuration. Production refuses to start without one.
import type { Notifier } from '@tmc/core/ports';
import { createSmsNotifier } from './sms';

export const createNotifierFromEnv = (env: Record<string, string | undefined>): Notifier | undefined => {
  if (env.SMS_ENDPOINT && env.SMS_API_KEY) {
    return createSmsNotifier({
      endpoint: env.SMS_ENDPOINT, apiKey: env.SMS_API_KEY,
      templates: JSON.parse(env.SMS_TEMPLATES ?? '{}') as Record<string, string>,
    });
  }
  return undefined;
};
