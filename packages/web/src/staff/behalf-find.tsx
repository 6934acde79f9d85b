// 代下单, the finding half: the services of a category in the elder's ten-minute circle (the same core
// search as GET /api/search with elder_id), as a desktop table an officer reads out on the phone, and
// the confirm form (the time, the one-time form key) that books. What each screen shows lives here;
// behalf-pages.tsx holds the routes.
import type { Category } from '@tmc/core/merchants/model';
import type { SearchHit } from '@tmc/core/search/search';
import { WEEKDAYS, type WeeklyHours } from '@tmc/core/merchants/model';
import { T } from '../kit/layout';
import { ErrorBox, Notice, SelectField, type Msg } from '../kit/ui';
import { chinaDateTime, chinaDayLabel, chinaTime as hhmm, distanceZh } from '../kit/booking';
import type { Confirm } from '../elder/confirm-page';

/** Walking times the officer may choose; the policy's own circle is always among them. */
export const MINUTE_CHOICES = [10, 15, 30] as const;
export const RESULTS_PAGE_SIZE = 20; // one screen of a desktop table; the API's default page too

const WEEKDAY_ZH: Record<string, string> = {
  mon: '一',
  tue: '二',
  wed: '三',
  thu: '四',
  fri: '五',
  sat: '六',
  sun: '日',
};

/** "一至五 08:00-12:00 14:00-18:00；六 09:00-12:00": days with the same hours joined, in week order. */
export const hoursText = (hours: WeeklyHours): string => {
  const groups: { days: (typeof WEEKDAYS)[number][]; spans: string }[] = [];
  for (const d of WEEKDAYS) {
    const spans = (hours[d] ?? []).map(([a, b]) => `${a}-${b}`).join(' ');
    if (!spans) continue;
    const last = groups[groups.length - 1];
    const prev = last?.days[last.days.length - 1];
    if (last && last.spans === spans && prev && WEEKDAYS.indexOf(prev) === WEEKDAYS.indexOf(d) - 1) last.days.push(d);
    else groups.push({ days: [d], spans });
  }
  return groups
    .map(({ days, spans }) => {
      const first = WEEKDAY_ZH[days[0] ?? ''] ?? '';
      const end = WEEKDAY_ZH[days[days.length - 1] ?? ''] ?? '';
      return `周${days.length > 1 ? `${first}至${end}` : first} ${spans}`;
    })
    .join('；');
};

export type SearchState = {
  category: Category | null;
  categories: Category[];
  minutes: number;
  offset: number;
  hits: SearchHit[];
  total: number;
  truncated: boolean;
};

const HitRow = (props: { h: SearchHit; base: string }) => {
  const h = props.h;
  return (
    <tr>
      <td>{h.name}</td>
      <td>
        {h.merchant_name}
        <br />
        <span class="num">{h.merchant_phone}</span>
      </td>
      <td class="num">
        {h.home_visit ? (
          <T zh={`上门服务 · 距离 ${distanceZh(h.distance_m)}`} en={`Home visit · ${h.distance_m} m away`} />
        ) : (
          <T
            zh={`步行约 ${h.walking_minutes} 分钟 · ${distanceZh(h.distance_m)}`}
            en={`${h.walking_minutes} min walk · ${h.distance_m} m`}
          />
        )}
      </td>
      <td class="num">{h.price_points}</td>
      <td>
        {h.open_now ? <T zh="营业中" en="Open now" /> : <T zh="休息中" en="Closed now" />}
        <br />
        <span class="num">{hoursText(h.hours) || '—'}</span>
      </td>
      <td class="num">
        {h.slots_full ? (
          <T zh="近期已约满" en="Fully booked" />
        ) : h.next_slot ? (
          chinaDateTime(h.next_slot)
        ) : (
          <T zh="不按时段（商户联系约时间）" en="No slots: the shop calls" />
        )}
      </td>
      <td class="num">
        {h.rating_avg !== null ? `${h.rating_avg.toFixed(1)}（${h.rating_count}）` : <T zh="暂无" en="None" />}
      </td>
      <td>
        {h.slots_full ? (
          '—'
        ) : (
          <a href={`${props.base}/book/confirm?merchant_id=${h.merchant_id}&service_id=${h.service_id}`}>
            <T zh={`预约 ${h.name}`} en={`Book ${h.name}`} />
          </a>
        )}
      </td>
    </tr>
  );
};

export const SearchView = (props: { base: string; s: SearchState; active: boolean }) => {
  const { s } = props;
  const minutes = [...new Set<number>([...MINUTE_CHOICES, s.minutes])].sort((a, b) => a - b);
  const q = (offset: number) =>
    `${props.base}/book?category=${s.category?.code ?? ''}&minutes=${s.minutes}&offset=${offset}`;
  return (
    <section class="panel" aria-labelledby="find-h">
      <h2 id="find-h">
        <T zh="查找十分钟服务圈内的服务" en="Find a service in the circle" />
      </h2>
      {!props.active ? (
        <Notice msg={{ zh: '老人已退出服务，不能代下单。', en: 'The elder has left the scheme.' }} />
      ) : (
        <form method="get" action={`${props.base}/book`} class="search">
          <SelectField
            name="category"
            label={{ zh: '服务类别', en: 'Category' }}
            value={s.category?.code}
            required
            blank="请选择 Choose"
            options={s.categories.map((c) => ({ value: c.code, label: `${c.icon} ${c.name_zh} ${c.name_en}` }))}
          />
          <SelectField
            name="minutes"
            label={{ zh: '步行时间', en: 'Walking time' }}
            value={String(s.minutes)}
            options={minutes.map((m) => ({ value: String(m), label: `${m} 分钟 min` }))}
          />
          <button class="btn" type="submit">
            <T zh="查找" en="Search" />
          </button>
        </form>
      )}
      {s.category && (
        <>
          <table>
            <caption>
              <T
                zh={`${s.category.name_zh}：步行 ${s.minutes} 分钟内及上门服务，共 ${s.total} 项，由近到远`}
                en={`${s.category.name_en} within ${s.minutes} min and home visits: ${s.total}, nearest first`}
              />
            </caption>
            <thead>
              <tr>
                <th scope="col">服务 Service</th>
                <th scope="col">商户 Merchant</th>
                <th scope="col">距离 Distance</th>
                <th scope="col">积分 Points</th>
                <th scope="col">营业时间 Hours</th>
                <th scope="col">最近可约 Next free</th>
                <th scope="col">评分 Rating</th>
                <th scope="col">操作 Action</th>
              </tr>
            </thead>
            <tbody>
              {s.hits.map((h) => (
                <HitRow h={h} base={props.base} />
              ))}
            </tbody>
          </table>
          {s.hits.length === 0 && (
            <p>
              <T zh="这个范围内暂时没有这类服务，可以放宽步行时间。" en="Nothing here; try a longer walk." />
            </p>
          )}
          {s.truncated && (
            <p class="muted">
              <T zh="附近服务太多，结果可能不全。" en="Too many services nearby: the list may be incomplete." />
            </p>
          )}
          <p class="pager links">
            {s.offset > 0 && (
              <a href={q(Math.max(0, s.offset - RESULTS_PAGE_SIZE))} rel="prev">
                <T zh="上一页" en="Previous" />
              </a>
            )}
            {s.offset + s.hits.length < s.total && (
              <a href={q(s.offset + RESULTS_PAGE_SIZE)} rel="next">
                <T zh="下一页" en="Next" />
              </a>
            )}
          </p>
        </>
      )}
    </section>
  );
};

/** The confirm form: the service measured from the elder's home, a time among the free ones (a
 * plain select grouped by day: a desktop form, no script), and the key minted with this screen. */
export const ConfirmView = (props: {
  base: string;
  c: Confirm;
  formKey: string;
  balance: number;
  error?: Msg | undefined;
}) => {
  const h = props.c.hit;
  return (
    <section class="panel" aria-labelledby="cf-h">
      <h2 id="cf-h">
        <T zh={`确认预约：${h.name}`} en={`Confirm: ${h.name}`} />
      </h2>
      <dl class="kv">
        <dt>
          <T zh="商户" en="Merchant" />
        </dt>
        <dd>
          {h.merchant_name} · <span class="num">{h.merchant_phone}</span>
        </dd>
        <dt>
          <T zh="地点" en="Where" />
        </dt>
        <dd>
          {h.home_visit ? (
            <T zh="上门服务（到老人家）" en="Home visit" />
          ) : (
            <>
              {props.c.address} ·{' '}
              <span class="num">
                <T
                  zh={`步行约 ${h.walking_minutes} 分钟 · ${distanceZh(h.distance_m)}`}
                  en={`${h.walking_minutes} min walk`}
                />
              </span>
            </>
          )}
        </dd>
        <dt>
          <T zh="积分" en="Points" />
        </dt>
        <dd class="num">
          <T
            zh={`${h.price_points} 积分（老人现有 ${props.balance} 积分）`}
            en={`${h.price_points} points (the elder has ${props.balance})`}
          />
        </dd>
        <dt>
          <T zh="营业时间" en="Hours" />
        </dt>
        <dd class="num">{hoursText(h.hours) || '—'}</dd>
      </dl>
      <ErrorBox msg={props.error} />
      {h.slots_full ? (
        <p>
          <T
            zh="这项服务最近的时段都约满了，请换一家，或打电话问商户。"
            en="Every slot soon is taken: choose another shop or call this one."
          />
        </p>
      ) : (
        <form method="post" action={`${props.base}/book`}>
          <input type="hidden" name="merchant_id" value={h.merchant_id} />
          <input type="hidden" name="service_id" value={h.service_id} />
          <input type="hidden" name="key" value={props.formKey} />
          {props.c.hasHours ? (
            <div class="field">
              <label for="f-slot_start">
                <T zh="预约时间" en="Time" />
              </label>
              <select id="f-slot_start" name="slot_start" required>
                {props.c.days.map((d) => (
                  <optgroup label={chinaDayLabel(d.date)}>
                    {d.slots.map((s) => (
                      <option value={s} selected={s === props.c.slot}>
                        {chinaDayLabel(d.date)} {hhmm(s)}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
            </div>
          ) : (
            <>
              <input type="hidden" name="slot_start" value="" />
              <p>
                <T
                  zh="这项服务不按时段预约，商户接单后联系老人约时间。"
                  en="No slots: the shop calls to agree a time."
                />
              </p>
            </>
          )}
          <p class="muted">
            <T
              zh={`预约后先冻结 ${h.price_points} 积分，服务完成才扣；取消或商户不接单会退回。`}
              en="Points are held now and taken only when the elder is served."
            />
          </p>
          <button class="btn" type="submit">
            <T zh="确认代下单" en="Book for the elder" />
          </button>
        </form>
      )}
      <p class="links">
        <a href={`${props.base}/book?category=${h.category}`}>
          <T zh="返回服务列表" en="Back to the list" />
        </a>
      </p>
    </section>
  );
};
