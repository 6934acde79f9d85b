// History lines name the entry's kind once, whatever the stored reason already says.
import { describe, expect, it } from 'vitest';
import { describeEntry } from './describe';

describe('describeEntry', () => {
  it.each([
    ['reversal', '冲正：重复发放', '冲正：重复发放'], // how reversals are stored
    ['reversal', '冲正：冲正：重复发放', '冲正：重复发放'], // staff typed the word too
    ['reversal', '冲正: 重复发放', '冲正：重复发放'],
    ['reversal', '冲正', '冲正'],
    ['reversal', '冲正错误的补贴', '冲正：冲正错误的补贴'], // the word inside a sentence is kept
    ['allowance', '每月补贴积分', '每月补贴积分'],
    ['award', '社区活动', '活动奖励：社区活动'],
    ['expiry', '', '积分过期'],
  ] as const)('%s with reason %j reads %j', (kind, reason, line) => {
    expect(describeEntry(kind, reason)).toBe(line);
  });
});
