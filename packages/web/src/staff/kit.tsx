// Shared parts of the staff console: the page frame with who is signed in and their area, the
// elder loader that enforces scope, and Chinese labels for audit actions.
import type { Child } from 'hono/jsx';
import { getElderOrThrow } from '@tmc/core/elders/service';
import { chinaWallClock } from '@tmc/core/kernel/time';
import type { ElderRecord } from '@tmc/core/elders/model';
import { assertCanSeeElder } from '@tmc/core/elders/access';
import type { Ctx } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { ConsoleLayout, render, viewOf, type StaffHeader } from '../kit/layout';
import { ROLE_ZH, isOfficer, type StaffP } from '../kit/principal';

export const staffHeader = async (deps: Deps, p: StaffP): Promise<StaffHeader> => {
  const area = p.scope ? await deps.areas.get(p.scope) : null;
  return {
    username: p.username,
    roleZh: ROLE_ZH[p.role],
    scopeName: p.scope ? (area?.name ?? p.scope) : '全市',
    officer: isOfficer(p),
  };
};

export const staffPage = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  title: string,
  titleEn: string,
  body: Child,
  opts: { status?: number; scripts?: string[] } = {},
) =>
  render(
    c,
    <ConsoleLayout
      view={viewOf(c)}
      title={title}
      titleEn={titleEn}
      staff={await staffHeader(deps, p)}
      scripts={opts.scripts}
    >
      {body}
    </ConsoleLayout>,
    { status: opts.status },
  );

/** An elder this staff member may see (OUT_OF_SCOPE otherwise). */
export const loadElderInScope = async (deps: Deps, p: StaffP, elder_id: string): Promise<ElderRecord> => {
  const e = await getElderOrThrow(deps, elder_id);
  await assertCanSeeElder(deps, p, e);
  return e;
};

export const ACTION_ZH: Record<string, string> = {
  'elder.create': '登记',
  'elder.update': '修改资料',
  'elder.read_sensitive': '查看完整身份证号/手机',
  'elder.reset_pin': '重置 PIN',
  'elder.leave': '退出服务',
  'binding.request': '家属申请绑定',
  'binding.confirm_by_code': '家属凭验证码确认绑定',
  'binding.confirm_by_elder': '老人同意绑定',
  'binding.confirm_by_staff': '工作人员确认绑定',
  'binding.remove': '解除绑定',
  'staff.login': '工作人员登录',
  'staff.login_failed': '登录失败（用户名或密码错误）',
  'staff.login_locked': '登录失败，账号已锁定',
  'staff.login_refused': '登录被拒（已锁定、已停用或同一地址失败过多）',
  'staff.create': '新建工作人员账号',
  'staff.update': '修改工作人员账号',
  'staff.disable': '停用工作人员账号',
  'staff.enable': '启用工作人员账号',
  'staff.reset_password': '重置工作人员密码',
  'staff.change_password': '修改本人密码',
  'audit.export': '导出操作日志',
  'elders.import': '导入老人名单',
  'elders.import_rejected': '老人名单导入被拒',
  'elder.leave.return_points': '退出：积分退回',
  'elder.leave.paid_points_unrefunded': '退出：已付费积分待人工退款',
  'order.book_on_behalf': '代老人下单',
  'order.read_visit_address': '商户查看上门地址',
  'order.cancel': '取消订单',
  'order.complete': '完成订单',
  'order.dispute_on_behalf': '代老人投诉',
  'order.rate_on_behalf': '代老人评价',
  'order.dispute_dismiss': '驳回投诉',
  'order.dispute_uphold': '支持投诉',
  'merchant.apply': '商户申请入驻',
  'merchant.approve': '批准商户',
  'merchant.reject': '拒绝商户',
  'merchant.suspend': '暂停商户',
  'merchant.reinstate': '恢复商户',
  'policy.create': '新建积分政策',
  'issuance.start': '开始积分发放',
  'awards.csv': '导入奖励积分',
  'award.create': '奖励活动积分',
  'wallet.freeze': '冻结积分账户',
  'wallet.unfreeze': '解冻积分账户',
  'ledger.reverse': '冲正积分记录',
  'topup.refund': '充值退款',
  'payee.read_sensitive': '查看完整收款账户',
  'statement.issue': '出具结算单',
  'statement.approve': '审核通过结算单',
  'statement.return': '退回结算单',
  'statement.resubmit': '重新提交结算单',
  'statement.start_payout': '开始付款',
  'statement.payout_failed': '付款失败',
  'statement.paid': '结算单已付款',
  'area.create': '新建区域',
  'category.put': '设置服务类别',
  'category.retire': '停用服务类别',
  'wechat.link': '开通微信通知',
  'wechat.unlink': '关闭微信通知',
  'coverage.recompute': '重新计算服务覆盖',
};

/** "2026-11-23 16:00" in China time, for tables. */
export const chinaTime = (iso: string): string => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return chinaWallClock(d).toISOString().slice(0, 16).replace('T', ' ');
};
