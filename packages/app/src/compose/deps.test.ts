// A notice that fails is still seen: logged with its kind and reason, never the phone or text.
import { describe, expect, it } from 'vitest';
import { buildDeps } from './deps';
import { captureLogger } from '../http/logger';
import { testEnv } from '../../../../tests/support/app';

describe('notifier failures', () => {
  it('are logged by kind and rethrown for the caller to decide', async () => {
    const logger = captureLogger();
    const deps = buildDeps(testEnv(), {
      logger,
      notifier: {
        send: async () => {
          throw new Error('no SMS template configured for order_accepted');
        },
      },
    });
    const notice = {
      to_phone: '13800138000',
      template: 'order_accepted',
      params: { order_id: 'o_1', service_name: '理发', merchant_name: '店', time: '尽快' },
      text_zh: '【十分钟服务圈】商户已接单',
    } as const;
    await expect(deps.notifier.send(notice)).rejects.toThrow('no SMS template');
    const lines = logger.lines.join('\n');
    expect(lines).toContain('notice not sent');
    expect(lines).toContain('order_accepted');
    expect(lines).not.toContain('13800138000');
    expect(lines).not.toContain('商户已接单');
  });
});
