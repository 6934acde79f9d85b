// The list of services of one category in the ten-minute circle from the elder's home, with the
// 帮我找 button above it: split out of booking-pages.tsx so the routes file stays short. Shared by
// the elder's and the family's flavor of the booking routes.
import { AppError } from '@tmc/core/kernel/errors';
import type { Category } from '@tmc/core/merchants/model';
import type { SearchHit } from '@tmc/core/search/search';
import { policyForOrders } from '@tmc/app/public';
import type { Ctx } from '@tmc/app/public';
import type { Deps } from '@tmc/app/public';
import { H5Layout, T, render, viewOf, type View } from '../kit/layout';
import { ErrorBox, Notice, type Msg } from '../kit/ui';
import { elderOrigin, newFormKey, servicesNear } from '../kit/booking';
import { HitCard } from '../kit/order-ui';
import { Back, ForWhom, type Booker } from './booker';

const WIDER_MINUTES = 20; // when nothing is within ten minutes, one tap looks twice as far

const categoryOf = async (deps: Deps, code: string): Promise<Category> => {
  const c = (await deps.merchants.categories()).find((x) => x.code === code);
  if (!c)
    throw new AppError('VALIDATION_FAILED', {
      fields: [{ path: 'query.category', code: 'INVALID_VALUE', message: 'unknown category' }],
    });
  return c;
};

type ListState = { findError?: Msg; findNotice?: Msg; minutes?: number };

const ServicesPage = (props: {
  view: View;
  b: Booker;
  cat: Category;
  hits: SearchHit[];
  total: number;
  minutes: number;
  formKey: string;
  state: ListState;
}) => {
  const walks = props.hits.filter((h) => !h.home_visit);
  const visits = props.hits.filter((h) => h.home_visit);
  return (
    <H5Layout view={props.view} title={props.cat.name_zh} titleEn={props.cat.name_en}>
      <ForWhom b={props.b} />
      <section class="panel" aria-labelledby="find-h">
        <h2 id="find-h">
          <T zh="帮我找" en="Find one for me" />
        </h2>
        <p>
          <T
            zh="系统替您找最近、营业中、评价好的一家，商户接单后告诉您是哪家。"
            en="We ask the nearest open, well-rated shop and tell you who took it."
            block
          />
        </p>
        <ErrorBox msg={props.state.findError} />
        <Notice msg={props.state.findNotice} />
        <form method="post" action={`${props.b.base}/find`}>
          <input type="hidden" name="category" value={props.cat.code} />
          <input type="hidden" name="key" value={props.formKey} />
          <button type="submit" class="btn">
            <T zh={`帮我找${props.cat.name_zh}`} en="Find one for me" />
          </button>
        </form>
      </section>
      <section class="panel" aria-labelledby="list-h">
        <h2 id="list-h">
          <T
            zh={`步行 ${props.minutes} 分钟内（${walks.length} 项）`}
            en={`Within ${props.minutes} min walk (${walks.length})`}
          />
        </h2>
        {walks.length === 0 ? (
          <>
            <p>
              <T
                zh={visits.length ? '步行范围内暂时没有这类服务。' : '附近暂时没有这类服务。'}
                en={
                  visits.length
                    ? 'Nothing of this kind within walking distance yet.'
                    : 'Nothing of this kind nearby yet.'
                }
                block
              />
            </p>
            {props.minutes < WIDER_MINUTES && (
              <a
                class="btn btn-2"
                href={`${props.b.base}/services?category=${props.cat.code}&minutes=${WIDER_MINUTES}`}
              >
                <T zh={`看看 ${WIDER_MINUTES} 分钟内的`} en={`Look within ${WIDER_MINUTES} min`} />
              </a>
            )}
          </>
        ) : (
          <ul class="list">
            {walks.map((h) => (
              <HitCard hit={h} base={props.b.base} />
            ))}
          </ul>
        )}
      </section>
      {visits.length > 0 && (
        // a shop that comes to the home is not a walk away: its own heading, with how far it travels
        <section class="panel" aria-labelledby="visit-h">
          <h2 id="visit-h">
            <T zh={`上门服务（${visits.length} 项）`} en={`Home visits (${visits.length})`} />
          </h2>
          <p>
            <T
              zh="商户到您家服务，您家在它的上门范围内。"
              en="The shop comes to your home; you live within the distance it travels."
              block
            />
          </p>
          <ul class="list">
            {visits.map((h) => (
              <HitCard hit={h} base={props.b.base} />
            ))}
          </ul>
        </section>
      )}
      {props.total > props.hits.length && (
        <p>
          <T
            zh={`只列出最近的 ${props.hits.length} 项。`}
            en={`Only the nearest ${props.hits.length} are listed.`}
            block
          />
        </p>
      )}
      <Back href={props.b.base} label={{ zh: '返回首页', en: 'Home' }} />
    </H5Layout>
  );
};

export const servicesPage = async (c: Ctx, deps: Deps, b: Booker, code: string, state: ListState, status = 200) => {
  const cat = await categoryOf(deps, code);
  const policy = await policyForOrders(deps);
  const minutes = state.minutes ?? policy.circle.minutes;
  const r = await servicesNear(deps, policy, await elderOrigin(deps, b.elder), cat.code, { minutes });
  return render(
    c,
    <ServicesPage
      view={viewOf(c)}
      b={b}
      cat={cat}
      hits={r.items}
      total={r.total}
      minutes={minutes}
      formKey={newFormKey()}
      state={state}
    />,
    { status },
  );
};
