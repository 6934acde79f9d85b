// The parts of the staff issuance page: the stored preview by street and by rule, the month's run
// (progress, result, stalled), and the admin's start / resume form with its confirmation.
import type { IssuanceRun, PreviewRecord } from '@tmc/core/policy/issuance';
import { CARE_LEVEL_ZH, SPECIAL_CATEGORY_ZH } from '@tmc/core/elders/model';
import { T } from '../kit/layout';
import { ErrorBox, type Msg } from '../kit/ui';
import { chinaTime } from './kit';

type Figures = Record<string, { elders: number; points: number }>;

const zhOf = (table: Record<string, string>, k: string): string => (Object.hasOwn(table, k) ? table[k] : null) ?? k;

/** `age:80-89`, `care:2`, `category:xxx`, `newcomer:full` in words (the rule names of core policy/model). */
export const ruleZh = (rule: string): string => {
  const [kind = '', arg = ''] = rule.split(':');
  if (kind === 'age') return `年龄 ${arg.replace(/-\+$/, ' 岁以上').replace(/-(\d+)$/, '–$1 岁')} Age band`;
  if (kind === 'care') return `护理等级：${zhOf(CARE_LEVEL_ZH, arg)} Care level`;
  if (kind === 'category') return `特殊类别：${zhOf(SPECIAL_CATEGORY_ZH, arg)} Category`;
  if (kind === 'newcomer') return `新登记老人（${arg}）Newcomers`;
  return rule;
};

// in a div: a table as a grid item would stretch its rows to the taller neighbour's height
const FiguresTable = (props: { id: string; caption: Msg; head: Msg; rows: Figures; label: (k: string) => string }) => (
  <div>
    <table id={props.id}>
      <caption>
        <T zh={props.caption.zh} en={props.caption.en} />
      </caption>
      <thead>
        <tr>
          <th scope="col">
            <T zh={props.head.zh} en={props.head.en} />
          </th>
          <th scope="col">
            <T zh="老人" en="Elders" />
          </th>
          <th scope="col">
            <T zh="积分" en="Points" />
          </th>
        </tr>
      </thead>
      <tbody>
        {Object.entries(props.rows).map(([k, f]) => (
          <tr>
            <td>{props.label(k)}</td>
            <td class="num">{f.elders}</td>
            <td class="num">{f.points}</td>
          </tr>
        ))}
      </tbody>
    </table>
  </div>
);

export const PreviewPanel = (props: {
  month: string;
  rec: PreviewRecord | null;
  policyMissing: boolean;
  names: Map<string, string>;
}) => {
  const p = props.rec?.preview ?? null;
  return (
    <section class="panel" aria-labelledby="preview-h">
      <h2 id="preview-h">
        <T zh={`${props.month} 发放预览`} en={`Preview for ${props.month}`} />
      </h2>
      {p ? (
        <p data-computed-at={props.rec?.computed_at ?? ''}>
          <T zh="计算于" en="Computed at" /> {chinaTime(props.rec?.computed_at ?? '')} ·{' '}
          <T zh="政策版本" en="Policy version" /> {p.policy_version}
        </p>
      ) : (
        <p>
          <T zh="尚未计算" en="Not computed yet" />
        </p>
      )}
      {props.rec?.status === 'computing' && (
        <p class="notice">
          <T zh="正在重新计算，请稍后刷新本页" en="Computing; refresh this page in a while" />
        </p>
      )}
      {p && (
        <>
          <p>
            <T zh="老人" en="Elders" /> <b id="preview-elders">{p.elders}</b> · <T zh="积分" en="Points" />{' '}
            <b id="preview-points">{p.points}</b>
          </p>
          <div class="cols">
            <FiguresTable
              id="by-street"
              caption={{ zh: '按街道', en: 'By street' }}
              head={{ zh: '街道', en: 'Street' }}
              rows={p.by_street}
              label={(k) => props.names.get(k) ?? k}
            />
            <FiguresTable
              id="by-rule"
              caption={{ zh: '按规则', en: 'By rule' }}
              head={{ zh: '规则', en: 'Rule' }}
              rows={p.by_rule}
              label={ruleZh}
            />
          </div>
        </>
      )}
      {props.policyMissing ? (
        <p class="err">
          <T zh="该月没有生效的积分政策" en="No policy in force for this month" />
        </p>
      ) : (
        <form method="post" action="/staff/issuance/preview">
          <input type="hidden" name="month" value={props.month} />
          <button class="btn btn-2" type="submit" disabled={props.rec?.status === 'computing'}>
            <T zh={p ? '重新计算预览' : '计算预览'} en={p ? 'Compute again' : 'Compute the preview'} />
          </button>
        </form>
      )}
    </section>
  );
};

export type RunState = 'not_started' | 'running' | 'stalled' | 'completed';
export const runStateOf = (run: IssuanceRun | null, stalled: boolean): RunState =>
  !run ? 'not_started' : run.status === 'completed' ? 'completed' : stalled ? 'stalled' : 'running';

const STATE_WORDS: Record<RunState, Msg> = {
  not_started: { zh: '尚未开始', en: 'Not started' },
  running: { zh: '进行中', en: 'Running' },
  stalled: { zh: '已中断（超过15分钟没有进展），可以继续', en: 'Interrupted; it can be resumed' },
  completed: { zh: '已完成', en: 'Completed' },
};

export const RunPanel = (props: { month: string; run: IssuanceRun | null; state: RunState }) => {
  const r = props.run;
  return (
    <section class="panel" aria-labelledby="run-h">
      <h2 id="run-h">
        <T zh="发放进度" en="Issuance run" />
      </h2>
      <p data-run-status={props.state}>
        <T zh="状态" en="Status" />：<T zh={STATE_WORDS[props.state].zh} en={STATE_WORDS[props.state].en} />
        {r && r.pass > 1 && ` · 第 ${r.pass} 轮（补发新登记老人）Pass ${r.pass}`}
      </p>
      {r && (
        <dl class="kv" id="run-figures">
          <dt>已发放 Issued</dt>
          <dd class="num">{r.issued}</dd>
          <dt>此前已发 Already paid</dt>
          <dd class="num">{r.already}</dd>
          <dt>跳过（无补贴）Skipped</dt>
          <dd class="num">{r.skipped}</dd>
          <dt>积分 Points</dt>
          <dd class="num">{r.points}</dd>
          <dt>其中新登记 Newcomers</dt>
          <dd class="num">{r.newcomers}</dd>
          <dt>开始 Started</dt>
          <dd class="num">{chinaTime(r.started_at)}</dd>
          <dt>{props.state === 'completed' ? '完成 Finished' : '最近进展 Last progress'}</dt>
          <dd class="num">{chinaTime(r.updated_at)}</dd>
        </dl>
      )}
      {props.state === 'running' && (
        <p class="links">
          <a href={`/staff/issuance?month=${props.month}`}>
            <T zh="刷新进度" en="Refresh" />
          </a>
        </p>
      )}
    </section>
  );
};

export type CommitState = { error?: Msg | undefined; confirmError?: Msg | undefined };

/** Start (no run yet) or resume (completed: pays newcomers; stalled: continues); refused in words when
 * there is nothing the button could do. */
export const CommitPanel = (props: {
  month: string;
  state: RunState;
  rec: PreviewRecord | null;
  policyMissing: boolean;
  form: CommitState;
}) => {
  const p = props.rec?.preview ?? null;
  const resume = props.state !== 'not_started';
  const why: Msg | null = props.policyMissing
    ? { zh: '该月没有生效的积分政策，不能发放', en: 'No policy in force for this month' }
    : !p
      ? { zh: '请先计算本月预览，核对后再发放', en: 'Compute the preview first' }
      : props.state === 'running'
        ? { zh: '本月积分发放正在进行中', en: "This month's issuance is already running" }
        : null;
  return (
    <section class="panel narrow" aria-labelledby="commit-h">
      <h2 id="commit-h">
        <T zh={resume ? '继续或补发' : '开始发放'} en={resume ? 'Resume' : 'Start the issuance'} />
      </h2>
      <ErrorBox msg={props.form.error} />
      {why || !p ? (
        <p class="muted" id="commit-refused">
          <T zh={why?.zh ?? ''} en={why?.en ?? ''} />
        </p>
      ) : (
        <form method="post" action="/staff/issuance/commit">
          <input type="hidden" name="month" value={props.month} />
          <input type="hidden" name="resume" value={resume ? '1' : '0'} />
          {props.state === 'completed' && (
            <p class="muted">
              本月已发放完毕。补发只给此后新登记、本月还没有补贴的老人，已发的不会重复。Pays only elders registered
              since; nobody twice.
            </p>
          )}
          {props.state === 'stalled' && (
            <p class="muted">从中断处继续，已发的老人不会重复发放。Continues where it stopped; nobody is paid twice.</p>
          )}
          <div class="field">
            {props.form.confirmError && (
              <div class="err" id="f-confirm-err">
                <T zh={props.form.confirmError.zh} en={props.form.confirmError.en} />
              </div>
            )}
            <label>
              <input
                type="checkbox"
                name="confirm"
                value={props.month}
                required
                aria-invalid={props.form.confirmError ? 'true' : undefined}
                aria-describedby={props.form.confirmError ? 'f-confirm-err' : undefined}
              />{' '}
              {resume
                ? `我确认${props.state === 'completed' ? '补发' : '继续发放'} ${props.month} 月积分` +
                  `（预览：${p.elders} 位老人，共 ${p.points} 积分）`
                : `我确认发放 ${props.month} 月积分：${p.elders} 位老人，共 ${p.points} 积分`}
            </label>
          </div>
          <button class="btn" type="submit">
            <T zh={resume ? '确认继续' : '确认发放'} en={resume ? 'Resume' : 'Start'} />
          </button>
        </form>
      )}
    </section>
  );
};
