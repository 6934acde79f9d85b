// SMS adapter: posts to an HTTP SMS gateway (the bureau's contracted provider) with a template
// id and parameters. The phone number is never logged; failures surface to the caller.
import type { Notice, Notifier } from '@tmc/core/notices/ports';

export const SMS_TIMEOUT_MS = 5_000;

export const createSmsNotifier = (cfg: {
  endpoint: string;
  apiKey: string;
  templates: Partial<Record<Notice['template'], string>>;
  fetch?: typeof fetch;
}): Notifier => ({
  async send(n) {
    const template_id = cfg.templates[n.template];
    if (!template_id) throw new Error(`no SMS template configured for ${n.template}`);
    const res = await (cfg.fetch ?? fetch)(cfg.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${cfg.apiKey}` },
      body: JSON.stringify({ to: n.to_phone, template_id, params: n.params }),
      signal: AbortSignal.timeout(SMS_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`SMS gateway answered ${res.status}`);
  },
});
