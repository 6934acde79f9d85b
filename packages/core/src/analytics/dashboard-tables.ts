// Every dashboard figure as a captioned table: the console shows these (a chart alone is not accessible)
// and each is exported as CSV by its id, so the page and the file always hold the same numbers.
import { csvFile, csvLine } from '../csv/text';
import { ORDER_STATES, type ByArea, type Overview } from './dashboard';
import { MERCHANT_LIST_MAX, type MerchantsDashboard } from './merchant-ranking';

export type Cell = string | number | null;
export type Table = { id: string; caption: string; columns: string[]; rows: Cell[][] };
/** Display names for codes (categories, areas); a code without one shows as itself. */
export type Names = { category?: Record<string, string>; area?: Record<string, string> };

const pctCell = (v: number | null): Cell => (v === null ? null : `${v}%`);

export const overviewTables = (o: Overview, names: Names = {}): Table[] => {
  const cat = (c: string) => names.category?.[c] ?? c;
  const dims = (id: string, caption: string, head: string, rows: Overview['elders']['by_age']): Table => ({
    id,
    caption,
    columns: [head, '登记老人', '活跃老人', '活跃占比'],
    rows: rows.map((r) => [r.key, r.registered, r.active, pctCell(r.active_pct)]),
  });
  const tables: Table[] = [
    {
      id: 'elders',
      caption: `老人：登记（当前）与活跃（最近一次下单在 ${o.elders.active_window.from} 至 ${o.elders.active_window.to}；过去的区间不含此后又下单的老人）`,
      columns: ['登记老人', '活跃老人', '活跃占比'],
      rows: [[o.elders.registered, o.elders.active, pctCell(o.elders.active_pct)]],
    },
    dims('elders_age', '按年龄段', '年龄段', o.elders.by_age),
    dims('elders_care', '按照护等级', '照护等级', o.elders.by_care),
    dims('elders_special', '按特殊类别', '特殊类别', o.elders.by_special),
    {
      id: 'orders',
      caption: '订单与比率（以发起订单为基数）',
      columns: [
        '发起',
        '接单',
        '完成',
        '取消',
        '拒单',
        '超时',
        '爽约',
        '无人接单',
        '积分',
        '完成率',
        '取消率',
        '爽约率',
        '拒单率',
      ],
      rows: [
        [
          ...ORDER_STATES.map((k) => o.orders[k]),
          o.orders.points,
          pctCell(o.orders.completion_pct),
          pctCell(o.orders.cancellation_pct),
          pctCell(o.orders.no_show_pct),
          pctCell(o.orders.rejection_pct),
        ],
      ],
    },
    {
      id: 'orders_category',
      caption: '按服务类别的订单与积分',
      columns: ['类别', '发起', '完成', '取消', '积分'],
      rows: o.orders.by_category.map((r) => [cat(r.category), r.requested, r.completed, r.cancelled, r.points]),
    },
    {
      id: 'orders_series',
      caption: o.range.series === 'day' ? '每日订单与积分' : '每月订单与积分',
      columns: [o.range.series === 'day' ? '日期' : '月份', '发起', '完成', '积分'],
      rows: o.orders.series.map((r) => [r.bucket, r.requested, r.completed, r.points]),
    },
    {
      id: 'find',
      caption: '帮我找结果',
      columns: ['首次匹配', '转派后匹配', '未匹配'],
      rows: [[o.find.matched_first, o.find.cascaded, o.find.unmatched]],
    },
  ];
  if (o.points) {
    const p = o.points;
    tables.push({
      id: 'points',
      caption: '积分：发放、使用、过期与待兑付（全市）',
      columns: [
        '月度发放',
        '活动奖励',
        '家属充值积分',
        '充值笔数',
        '退款积分',
        '已使用',
        '争议退回',
        '已过期',
        '当前待兑付',
      ],
      rows: [
        [p.issued, p.awarded, p.topped_up, p.topups, p.refunded, p.redeemed, p.reversed, p.expired, p.outstanding_now],
      ],
    });
  }
  tables.push(
    {
      id: 'ratings',
      caption: `评价分布（共 ${o.ratings.count} 条，平均 ${o.ratings.average ?? '—'} 星）`,
      columns: ['星级', '条数'],
      rows: o.ratings.by_stars.map((r) => [`${r.stars} 星`, r.count]),
    },
    {
      id: 'ratings_category',
      caption: '按服务类别的评价',
      columns: ['类别', '条数', '平均星级'],
      rows: o.ratings.by_category.map((r) => [cat(r.category), r.count, r.average]),
    },
    {
      id: 'disputes',
      caption: '争议',
      columns: ['发起', '成立', '驳回'],
      rows: [[o.disputes.opened, o.disputes.upheld, o.disputes.dismissed]],
    },
  );
  return tables;
};

export const byAreaTables = (b: ByArea): Table[] => [
  {
    id: 'areas',
    caption: b.area.level === 'street' ? '按社区' : '按街道',
    columns: ['区域', '登记老人', '活跃老人', '活跃占比', '发起订单', '完成订单', '完成率', '积分', '平均星级', '争议'],
    rows: b.rows.map((r) => [
      r.name,
      r.registered,
      r.active,
      pctCell(r.active_pct),
      r.requested,
      r.completed,
      pctCell(r.completion_pct),
      r.points,
      r.rating_average,
      r.disputes,
    ]),
  },
];

export const merchantTables = (m: MerchantsDashboard): Table[] => {
  const cols = ['商户', '社区', '发起订单', '完成订单', '完成率', '积分', '评价数', '平均星级', '投诉'];
  const row = (r: MerchantsDashboard['all'][number]): Cell[] => [
    r.business_name,
    r.community_code,
    r.requested,
    r.completed,
    pctCell(r.completion_pct),
    r.points,
    r.ratings,
    r.rating_average,
    r.complaints,
  ];
  return [
    { id: 'merchants_orders', caption: '商户排名：订单最多', columns: cols, rows: m.by_orders.map(row) },
    { id: 'merchants_rating', caption: '商户排名：评价最高', columns: cols, rows: m.by_rating.map(row) },
    { id: 'merchants_complaints', caption: '商户排名：投诉最多', columns: cols, rows: m.by_complaints.map(row) },
    { id: 'merchants_all', caption: '全部有订单的商户', columns: cols, rows: m.all.map(row) },
    {
      id: 'merchants_no_orders',
      caption: m.truncated
        ? `期间没有订单的已审核商户（商户过多，只列出前 ${MERCHANT_LIST_MAX} 家）`
        : '期间没有订单的已审核商户',
      columns: ['商户', '社区'],
      rows: m.no_orders.map((r) => [r.business_name, r.community_code]),
    },
  ];
};

/** One table as CSV text (BOM, CRLF); the route encodes it to GBK when asked. */
export const tableCsv = (t: Table): string =>
  csvFile([csvLine(t.columns), ...t.rows.map((r) => csvLine(r.map((c) => (c === null ? '' : String(c)))))]);
