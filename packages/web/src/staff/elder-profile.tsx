// The staff page of one elder: the masked profile with its action panels (reveal, edit, PIN, leave),
// family bindings and the paged audit trail. Kept apart from the routes so elder-pages.tsx stays the
// list of what each form post does, and this file what the page shows.
import { CARE_LEVEL_ZH, GENDER_ZH, SPECIAL_CATEGORY_ZH, type ElderRecord } from '@tmc/core/elders/model';
import { ageOn } from '@tmc/core/elders/id-card';
import type { SensitiveView } from '@tmc/core/elders/service';
import type { Binding } from '@tmc/core/elders/family/bindings';
import type { AuditEvent } from '@tmc/core/kernel/audit';
import type { Page } from '@tmc/core/kernel/page';
import type { Ctx, Deps } from '@tmc/app/public';
import { T } from '../kit/layout';
import type { StaffP } from '../kit/principal';
import { ErrorBox, Field, Notice, PostButton, CardNumber, type Msg } from '../kit/ui';
import { communitiesOf, loadAreaTree } from '../kit/areas';
import { ACTION_ZH, chinaTime, staffPage } from './kit';
import { ElderFields, valuesOf, type ElderFormValues } from './elder-form';
import { ElderNav } from './elder-nav';

export const AUDIT_PAGE_SIZE = 50;

export type ProfileExtras = {
  done?: Msg;
  reveal?: SensitiveView;
  pin?: string;
  edit?: { values: ElderFormValues; errors: Record<string, Msg>; error?: Msg };
  revealError?: Msg;
  leaveError?: Msg;
};

const detailText = (e: AuditEvent): string => {
  const d = e.detail ?? {};
  return [
    d.reason ? `原因：${d.reason}` : '',
    d.fields ? `字段：${d.fields}` : '',
    d.family_id ? `家属：${d.family_id}` : '',
  ]
    .filter(Boolean)
    .join('；');
};

const Profile = (props: {
  e: ElderRecord;
  area: string;
  today: Date;
  bindings: Binding[];
  audit: Page<AuditEvent & { at: string }>;
  auditCursor?: string | undefined;
  communities: { code: string; label: string }[];
  x: ProfileExtras;
  role: string;
}) => {
  const { e, x } = props;
  const active = e.status === 'active';
  const base = `/staff/elders/${e.elder_id}`;
  return (
    <>
      <ElderNav elder_id={e.elder_id} current="profile" name={e.name} role={props.role} />
      <Notice msg={x.done} />
      {x.reveal && (
        <div class="panel" role="status">
          <h2>
            <T zh="完整信息（已记入审计日志，请勿外传）" en="Full details (audited)" />
          </h2>
          <dl class="kv">
            <dt>身份证号 ID</dt>
            <dd class="secret">{x.reveal.id_number}</dd>
            <dt>手机 Phone</dt>
            <dd class="secret">{x.reveal.phone ?? '—'}</dd>
            <dt>紧急联系人电话 Contact</dt>
            <dd class="secret">{x.reveal.emergency_contact_phone ?? '—'}</dd>
          </dl>
        </div>
      )}
      {x.pin && (
        <div class="panel" role="status">
          <h2>
            <T zh="新的积分卡 PIN（只显示这一次，请交给老人本人）" en="New card PIN, shown once" />
          </h2>
          <p class="secret">{x.pin}</p>
        </div>
      )}
      <div class="panel">
        <h2>
          {e.name} <span class="tag">{active ? '在册 Active' : '已退出 Left'}</span>
        </h2>
        {active && (
          <p class="links">
            <a href={`${base}/book`}>代下单 Book for this elder</a>
          </p>
        )}
        <dl class="kv">
          <dt>性别 Gender</dt>
          <dd>{GENDER_ZH[e.gender]}</dd>
          <dt>出生日期 Born</dt>
          <dd class="num">
            {e.birth_date}（{ageOn(e.birth_date, props.today)}岁）
          </dd>
          <dt>身份证号 ID</dt>
          <dd class="num">{e.id_masked || '—'}</dd>
          <dt>手机 Phone</dt>
          <dd class="num">{e.phone_masked ?? '—'}</dd>
          <dt>社区 Community</dt>
          <dd>{props.area}</dd>
          <dt>住址 Address</dt>
          <dd>{e.address || '—'}</dd>
          <dt>坐标 Location</dt>
          <dd class="num">{e.location ? `${e.location.lng}, ${e.location.lat}` : '—'}</dd>
          <dt>护理等级 Care</dt>
          <dd>{e.care_level ? CARE_LEVEL_ZH[e.care_level] : '—'}</dd>
          <dt>特殊类别 Category</dt>
          <dd>{e.special_categories.map((k) => SPECIAL_CATEGORY_ZH[k]).join('、') || '—'}</dd>
          <dt>紧急联系人 Contact</dt>
          <dd>{e.emergency_contact_name ?? '—'}</dd>
          <dt>积分卡号 Card</dt>
          <dd>
            <CardNumber value={e.card_number} cls="num" />
          </dd>
          <dt>PIN 已发放 PIN issued</dt>
          <dd>{e.pin_printed_at ? chinaTime(e.pin_printed_at) : '未打印 Not yet'}</dd>
          <dt>版本 Version</dt>
          <dd>
            {e.version} · 更新于 {chinaTime(e.updated_at)}
          </dd>
        </dl>
      </div>
      {active && (
        <div class="panel">
          <h2>
            <T zh="查看完整身份证号和手机" en="Reveal full ID number and phones" />
          </h2>
          <p class="muted">
            每次查看都会记录查看人、时间和原因（个人信息保护法）。Every reveal is logged with your reason.
          </p>
          <form method="post" action={`${base}/reveal`} class="search">
            <Field
              name="reason"
              id="reveal-reason"
              required
              minlength={2}
              maxlength={200}
              error={x.revealError}
              label={{ zh: '查看原因', en: 'Reason' }}
            />
            <button class="btn" type="submit">
              <T zh="查看" en="Reveal" />
            </button>
          </form>
        </div>
      )}
      {active && (
        <div class="panel">
          <h2>
            <T zh="修改资料" en="Edit" />
          </h2>
          <ErrorBox msg={x.edit?.error} />
          <form method="post" action={base}>
            <ElderFields
              mode="edit"
              values={x.edit?.values ?? valuesOf(e)}
              errors={x.edit?.errors ?? {}}
              communities={props.communities}
              current={e}
            />
            <button class="btn" type="submit">
              <T zh="保存" en="Save" />
            </button>
          </form>
        </div>
      )}
      <div class="panel">
        <h2>
          <T zh="家属绑定" en="Family bindings" />
        </h2>
        {props.bindings.length === 0 ? (
          <p>暂无 None</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th>关系 Relation</th>
                <th>家属手机 Phone</th>
                <th>状态 Status</th>
                <th>申请时间 Requested</th>
                <th>操作 Action</th>
              </tr>
            </thead>
            <tbody>
              {props.bindings.map((b) => (
                <tr>
                  <td>{b.relation}</td>
                  <td class="num">{b.family_phone_masked}</td>
                  <td>{b.status === 'active' ? '已绑定 Active' : '待确认 Pending'}</td>
                  <td>{chinaTime(b.requested_at)}</td>
                  <td class="links">
                    {b.status === 'pending' && active && (
                      <PostButton
                        action={`${base}/bindings/${b.family_id}/confirm`}
                        label={{ zh: '代老人确认', en: 'Confirm' }}
                      />
                    )}
                    <PostButton
                      action={`${base}/bindings/${b.family_id}/remove`}
                      label={{ zh: '解除', en: 'Remove' }}
                      cls="btn-warn"
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {active && (
        <div class="panel">
          <h2>
            <T zh="积分卡 PIN" en="Card PIN" />
          </h2>
          <p class="muted">
            重置后旧 PIN 立即失效，新 PIN 只显示一次。The old PIN stops working; the new one is shown once.
          </p>
          <PostButton action={`${base}/pin`} label={{ zh: '重置 PIN', en: 'Reset PIN' }} cls="btn-2" />
        </div>
      )}
      {active && (
        <div class="panel">
          <h2>
            <T zh="退出服务" en="Leave the scheme" />
          </h2>
          <p class="muted">
            按老人本人要求办理：删除姓名、身份证号、手机、住址等个人信息，只保留匿名编号和社区用于统计。不可撤销。Erases
            personal data; cannot be undone.
          </p>
          <ErrorBox msg={x.leaveError} />
          <form method="post" action={`${base}/leave`}>
            <Field
              name="reason"
              id="leave-reason"
              required
              minlength={2}
              maxlength={200}
              label={{ zh: '办理原因', en: 'Reason' }}
            />
            <div class="checks">
              <label>
                <input type="checkbox" name="confirm" value="1" required /> 我已核实这是老人本人的要求 I confirm the
                elder asked for this
              </label>
            </div>
            <button class="btn btn-warn" type="submit">
              <T zh="办理退出" en="Leave the scheme" />
            </button>
          </form>
        </div>
      )}
      <div class="panel">
        <h2>
          <T zh="操作记录" en="Audit trail" />
        </h2>
        <table>
          <thead>
            <tr>
              <th>时间 Time</th>
              <th>操作人 Actor</th>
              <th>操作 Action</th>
              <th>说明 Detail</th>
            </tr>
          </thead>
          <tbody>
            {props.audit.items.map((a) => (
              <tr>
                <td class="num">{chinaTime(a.at)}</td>
                <td>{a.actor}</td>
                <td>{ACTION_ZH[a.action] ?? a.action}</td>
                <td>{detailText(a)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="pager links">
          {props.auditCursor && (
            <a href={base}>
              <T zh="最新记录" en="Newest" />
            </a>
          )}
          {props.audit.cursor && (
            <a href={`${base}?audit=${encodeURIComponent(props.audit.cursor)}`}>
              <T zh="更早的记录" en="Older" />
            </a>
          )}
        </p>
      </div>
    </>
  );
};

export const profilePage = async (
  c: Ctx,
  deps: Deps,
  p: StaffP,
  e: ElderRecord,
  x: ProfileExtras,
  opts: { status?: number; auditCursor?: string } = {},
) => {
  const [tree, bindings, audit, parent] = await Promise.all([
    loadAreaTree(deps, p.scope),
    deps.bindings.ofElder(e.elder_id),
    deps.audit.listBySubject(`elder:${e.elder_id}`, AUDIT_PAGE_SIZE, opts.auditCursor),
    deps.areas.get(e.community_code),
  ]);
  const communities = communitiesOf(tree);
  const area = communities.find((x) => x.code === e.community_code)?.label ?? parent?.name ?? e.community_code;
  return staffPage(
    c,
    deps,
    p,
    `老人资料：${e.name}`,
    'Elder profile',
    <Profile
      e={e}
      area={area}
      today={deps.clock.now()}
      bindings={bindings.filter((b) => b.status !== 'removed')}
      audit={audit}
      auditCursor={opts.auditCursor}
      communities={communities}
      x={x}
      role={p.role}
    />,
    { status: opts.status ?? 200 },
  );
};
