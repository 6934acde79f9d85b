// The coverage map: an inline SVG (no tiles, no script) of the view's communities at their centroids,
// coloured by their lowest category share, and the merchants serving them. Colours are a red-blue scale
// (distinguishable with the common colour-vision deficiencies), each at least 4.5:1 against the white
// ground, and never the only cue: every community carries its share as text and a <title>, the legend
// names the bands, and the table above holds every number (the map's text alternative).
import type { CoverageViewRow } from '@tmc/core/analytics/coverage-view';
import { percentText } from '@tmc/core/analytics/coverage-view';
import type { MapPoint } from '@tmc/core/analytics/coverage-run';
import { M_PER_DEG, toRad } from '@tmc/core/search/geo';

/** Share bands, lowest first: [upper bound in per mille (exclusive), colour, label]. */
export const BANDS: readonly (readonly [number, string, string])[] = [
  [250, '#a50026', '< 25%'],
  [500, '#d73027', '25–50%'],
  [750, '#4575b4', '50–75%'],
  [1001, '#313695', '≥ 75%'],
];
export const bandOf = (permille: number) => BANDS.find(([hi]) => permille < hi) ?? BANDS[BANDS.length - 1]!;
const MERCHANT_COLOUR = '#555555'; // 7.5:1 on white
const W = 640;
const H = 480;
const PAD = 40; // room for labels at the edges

/** A community's weakest share: the category its elders are least served in decides its colour. */
export const lowestShare = (r: CoverageViewRow): number => Math.min(1000, ...Object.values(r.share_permille));

/** Equirectangular projection scaled by cos(latitude): true to shape at a district's size. */
const projector = (pts: readonly { lat: number; lng: number }[]) => {
  const lat = pts.map((p) => p.lat);
  const lng = pts.map((p) => p.lng);
  const [s, n, w, e] = [Math.min(...lat), Math.max(...lat), Math.min(...lng), Math.max(...lng)];
  const kx = Math.cos(toRad((s + n) / 2)) * M_PER_DEG;
  const spanX = Math.max((e - w) * kx, 1);
  const spanY = Math.max((n - s) * M_PER_DEG, 1);
  const scale = Math.min((W - 2 * PAD) / spanX, (H - 2 * PAD) / spanY);
  const ox = (W - spanX * scale) / 2;
  const oy = (H - spanY * scale) / 2;
  return (p: { lat: number; lng: number }) => ({
    x: Math.round((ox + (p.lng - w) * kx * scale) * 10) / 10,
    y: Math.round((oy + (n - p.lat) * M_PER_DEG * scale) * 10) / 10,
  });
};

export const CoverageMap = (props: { rows: CoverageViewRow[]; merchants: MapPoint[] }) => {
  const placed = props.rows.flatMap((r) => (r.centroid ? [{ r, at: r.centroid }] : []));
  if (placed.length === 0)
    return (
      <p>
        暂无可绘制的社区位置 <span lang="en">No community locations to map.</span>
      </p>
    );
  const shops = props.merchants.map(([lat, lng]) => ({ lat, lng }));
  const proj = projector([...placed.map((p) => p.at), ...shops]);
  return (
    <figure class="coverage-map">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        width="100%"
        role="img"
        aria-labelledby="coverage-map-title coverage-map-desc"
        style="max-width:640px;background:#fff;border:1px solid #767676"
      >
        <title id="coverage-map-title">社区覆盖率地图 Coverage map</title>
        <desc id="coverage-map-desc">
          {`${placed.length} 个社区按最低覆盖率着色，${shops.length} 个商户以灰色方块表示；数字见上表。` +
            `${placed.length} communities coloured by their lowest share; ${shops.length} merchants as grey squares; ` +
            'the table above has every figure.'}
        </desc>
        {shops.map((m) => {
          const p = proj(m);
          return <rect x={p.x - 3} y={p.y - 3} width="6" height="6" fill={MERCHANT_COLOUR} />;
        })}
        {placed.map(({ r, at }) => {
          const p = proj(at);
          const low = lowestShare(r);
          const [, colour] = bandOf(low);
          return (
            <g data-community={r.community_code} data-share={low}>
              <title>
                {`${r.name} (${r.community_code}): 最低覆盖率 lowest share ${percentText(low)}, ` +
                  `老人 elders ${r.elders}`}
              </title>
              <circle cx={p.x} cy={p.y} r="11" fill={colour} stroke="#fff" stroke-width="2" />
              <text x={p.x + 14} y={p.y + 4} font-size="12" fill="#222">
                {`${r.name} ${percentText(low)}`}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend" aria-label="图例 Legend">
          {BANDS.map(([, colour, label]) => (
            <li>
              <svg width="14" height="14" aria-hidden="true">
                <circle cx="7" cy="7" r="6" fill={colour} />
              </svg>{' '}
              {label}
            </li>
          ))}
          <li>
            <svg width="14" height="14" aria-hidden="true">
              <rect x="2" y="2" width="10" height="10" fill={MERCHANT_COLOUR} />
            </svg>{' '}
            商户 Merchants
          </li>
        </ul>
      </figcaption>
    </figure>
  );
};
