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
};

/** "2026-11-23 16:00" in China time, for tables. */
export const chinaTime = (iso: string): string => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return chinaWallClock(d).toISOString().slice(0, 16).replace('T', ' ');
};
