// The one stylesheet. Elder and family pages (`body.h5`) follow WeChat's care mode in spirit:
// 20 px base (24 px with the large-text switch), 56 px tap targets, text at 7:1 or better on a
// light page. The staff console (`body.console`) is a denser desktop layout; the card sheet
// prints 85.6 x 54 mm cards (ISO/IEC 7810 ID-1) on A4.
//
// Colours and their contrast (WCAG 2 ratios, checked by the axe test with 'color-contrast-enhanced'):
//   #111 on #fff 18.9 · #333 on #f2f2f2 11.3 · #0b5d1e on #fff 8.1, on #f2f2f2 7.2 · #fff on #0b5d1e 8.1
//   #8a1c1c on #fdecea 8.1 · #0b3d91 on #fff 10.0

export const APP_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-size:20px;-webkit-text-size-adjust:100%;text-size-adjust:100%}
html.big{font-size:24px}
body{margin:0;color:#111;background:#f2f2f2;
  font-family:system-ui,-apple-system,"PingFang SC","Hiragino Sans GB","Microsoft YaHei",
    "Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;
  font-size:1rem;line-height:1.6}
[hidden]{display:none!important}
a{color:#0b3d91}
:focus-visible{outline:3px solid #0b3d91;outline-offset:2px}
h1,h2,h3{line-height:1.3;margin:0 0 .5rem}
h1{font-size:1.4rem}h2{font-size:1.2rem}h3{font-size:1.05rem}
p{margin:.5rem 0}
.en{font-size:.9em;font-weight:400;color:#333;margin-left:.4em}
.en-b{display:block;margin-left:0}
.btn .en,.choice .en{color:inherit}
.h5 .en{font-size:max(.9em,18px)}
.muted{color:#333}
.num{font-variant-numeric:tabular-nums}
.notice{padding:.6rem .8rem;border-radius:8px;margin:.6rem 0;border-left:6px solid #0b5d1e;background:#e8f3ea;
  color:#111}
.err{padding:.6rem .8rem;border-radius:8px;margin:.6rem 0;border-left:6px solid #8a1c1c;background:#fdecea;
  color:#8a1c1c;font-weight:600}
.err .en{color:#8a1c1c}
.err ul{margin:.3rem 0 0;padding-left:1.2rem;font-weight:400}
.lang{margin-top:1.2rem}
.h5 .lang .btn{width:auto;margin-left:auto;min-height:48px}
.console .top .lang{margin:0}
.skip{position:absolute;left:-999px}
.skip:focus{left:8px;top:8px;background:#fff;padding:8px;z-index:9}
/* elder and family pages */
.h5 .bar{display:flex;align-items:center;justify-content:center;min-height:3rem;padding:0 .8rem;background:#ededed;
  border-bottom:1px solid #d0d0d0;font-weight:700}
.h5 .bar h1{font-size:1.05rem;margin:0;text-align:center}
.h5 .bar .en{color:#333}
.h5 main{max-width:40rem;margin:0 auto;padding:.6rem .6rem 2rem}
.panel{background:#fff;border-radius:12px;padding:.9rem;margin:.7rem 0}
.panel>h2{margin-bottom:.6rem}
.hello{font-size:1.3rem;font-weight:700;margin:.4rem .2rem}
/* 12 digits must fit a 360 px phone at any text size: capped by the screen width, and if a wide
   font still overflows, the groups wrap rather than run off the card */
.cardno{font-size:1.5rem;font-size:min(1.75rem,8.4vw);font-weight:700;letter-spacing:.04em;
  font-variant-numeric:tabular-nums;margin:.3rem 0 .6rem;color:#0b5d1e;line-height:1.3}
.cn span{display:inline-block;white-space:nowrap}
.cn span+span{margin-left:.3em}
.btn{display:flex;align-items:center;justify-content:center;flex-wrap:wrap;gap:0 .3em;width:100%;min-height:2.8rem;
  min-width:48px;padding:.4rem 1rem;margin:.5rem 0;border:2px solid #0b5d1e;border-radius:8px;background:#0b5d1e;
  color:#fff;font:inherit;font-size:1.05rem;font-weight:700;line-height:1.3;text-align:center;text-decoration:none;
  cursor:pointer}
.btn .en{margin-left:0}
.btn-2{background:#fff;color:#0b5d1e}
.btn-2 .en{color:#0b5d1e}
.btn-warn{background:#fff;color:#8a1c1c;border-color:#8a1c1c}
.btn-warn .en{color:#8a1c1c}
.row{display:flex;gap:.6rem}
.row>*{flex:1;min-width:0}
.field{margin:.7rem 0}
.field label,.label{display:block;font-weight:700;margin-bottom:.3rem}
.field .hint{display:block;color:#333;font-size:.9rem;margin-top:.2rem}
input[type=text],input[type=tel],input[type=password],input[type=search],
input[type=date],input[type=number],input[type=time],select,textarea{display:block;
  width:100%;min-height:2.8rem;padding:.3rem .6rem;border:2px solid #555;border-radius:8px;background:#fff;color:#111;
  font:inherit}
input.code{font-size:1.6rem;letter-spacing:.3em;font-variant-numeric:tabular-nums}
input[aria-invalid=true],select[aria-invalid=true]{border-color:#8a1c1c}
.list{list-style:none;margin:0;padding:0}
.list>li{padding:.6rem 0;border-top:1px solid #d0d0d0}
.list>li:first-child{border-top:0}
.tag{display:inline-block;padding:0 .4em;border-radius:4px;border:1px solid #333;font-size:.9rem;color:#111;
  white-space:nowrap}
.tag.ok{border-color:#0b5d1e;color:#0b5d1e}
.tel{display:flex;align-items:center;justify-content:space-between;min-height:2.8rem;text-decoration:none;color:#111;
  font-weight:700}
.tel b{color:#0b5d1e;font-size:1.2rem}
.choice{display:block;min-height:3.5rem;padding:.8rem 1rem;margin:.7rem 0;border-radius:12px;background:#fff;
  border:2px solid #0b5d1e;color:#0b5d1e;font-size:1.2rem;font-weight:700;text-decoration:none}
.choice .en{display:block;margin:0;font-size:.9rem}
.links{display:flex;flex-wrap:wrap;gap:.5rem}
.links a{display:inline-flex;align-items:center;min-height:48px;min-width:48px;padding:0 .4rem}
/* the console's home menu: one card per kind of work, as many across as the screen holds */
.menu-groups{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:0 1rem}
ul.links{list-style:none;padding:0;margin:0}
/* the value column may shrink below its longest word: a masked ID or card number breaks rather
   than pushing a 360 px page sideways */
dl.kv{margin:0;display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.3rem .8rem}
dl.kv dt{font-weight:700}
dl.kv dd{margin:0;min-width:0;overflow-wrap:anywhere}
.wrap{overflow-wrap:anywhere;word-break:break-all}
/* points, categories, services and orders */
.pts{font-size:2.2rem;font-weight:700;color:#0b5d1e;line-height:1.2;margin:.2rem 0}
.pts .unit{font-size:1rem;margin-left:.3em;color:#111}
.h5 .pts .en{font-size:1rem}
.cats{display:grid;grid-template-columns:repeat(auto-fill,minmax(8rem,1fr));gap:0 .6rem}
.cats .btn{min-height:3.5rem;font-size:1.2rem}
.status{font-size:1.4rem;color:#0b5d1e}
.h5 .status .en{font-size:1rem}
.svc h3,.list h3{margin:0}
.svc p{margin:.3rem 0}
.price{color:#0b5d1e}
/* the code the merchant reads off the elder's phone: as big as a 360 px screen allows */
.ocode{font-size:2.4rem;font-size:min(2.8rem,13vw);font-weight:700;letter-spacing:.3em;text-indent:.3em;
  text-align:center;line-height:1.2;margin:.5rem 0;padding:.4rem 0;border:3px solid #0b5d1e;border-radius:12px;
  background:#fff;color:#111}
fieldset{border:0;margin:.7rem 0;padding:0;min-width:0}
legend{font-weight:700;padding:0;margin-bottom:.3rem}
/* radio and checkbox as big buttons: the real input covers the whole button, invisible */
.picks{display:grid;grid-template-columns:repeat(auto-fill,minmax(6rem,1fr));gap:.5rem}
.picks.one{grid-template-columns:1fr}
.pick{position:relative;display:block}
.pick input{position:absolute;top:0;left:0;width:100%;height:100%;margin:0;opacity:0;cursor:pointer}
.pick span{display:flex;align-items:center;justify-content:center;min-height:2.8rem;padding:.2rem .5rem;
  border:2px solid #0b5d1e;border-radius:8px;background:#fff;color:#0b5d1e;font-weight:700;text-align:center}
.pick input:checked+span{background:#0b5d1e;color:#fff}
.pick input:focus-visible+span{outline:3px solid #0b3d91;outline-offset:2px}
/* the booking screen's day and time buttons: days are links (a new page), times are radios */
.days{display:grid;grid-template-columns:repeat(auto-fill,minmax(7rem,1fr));gap:.5rem;margin:.3rem 0 .6rem}
.days a{display:flex;align-items:center;justify-content:center;min-height:2.8rem;padding:.2rem .5rem;
  border:2px solid #0b5d1e;border-radius:8px;background:#fff;color:#0b5d1e;font-weight:700;text-decoration:none;
  text-align:center}
.days a[aria-current=date]{background:#0b5d1e;color:#fff}
details.alt{border-top:1px solid #d0d0d0;margin-top:.6rem}
details.alt summary{min-height:2.8rem;padding:.6rem 0;color:#0b3d91;font-weight:700;cursor:pointer}
details.alt summary .en{color:#0b3d91}
/* staff console */
.console{font-size:.8rem;background:#f5f5f5}
html.big .console{font-size:.7rem}
.console .top{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem 1.2rem;padding:.4rem 1.2rem;background:#0b5d1e;
  color:#fff}
.console .top a,.console .top .who,.console .top .en{color:#fff}
.console .top .brand{font-weight:700;font-size:1.1rem;text-decoration:none}
.console .top nav{display:flex;gap:1rem;flex-wrap:wrap}
.console .top nav a{display:inline-flex;align-items:center;min-height:40px}
.console .top form{margin:0}
.console .top .btn{margin:0;min-height:36px;background:#fff;color:#0b5d1e;font-size:.9rem;width:auto}
.console .top .btn .en{color:#0b5d1e}
.console main{max-width:75rem;margin:0 auto;padding:1rem 1.2rem 3rem}
.console .panel{border:1px solid #ccc;border-radius:6px}
.console .btn{width:auto;display:inline-flex;min-height:40px;font-size:.95rem;padding:.3rem .9rem}
.console input[type=text],.console input[type=tel],.console input[type=password],
.console input[type=search],.console input[type=date],.console select{min-height:40px}
.console .cols{display:grid;grid-template-columns:repeat(auto-fill,minmax(16rem,1fr));gap:0 1.2rem}
.console fieldset{border:1px solid #ccc;border-radius:6px;margin:.7rem 0;padding:.4rem .8rem}
.console legend{font-weight:700}
/* policy versions: the one in force and changed fields carry a text marker too, never colour alone */
tr[data-current=yes],tr[data-changed=yes]{background:#fff4cc;font-weight:700}
.checks label{display:inline-flex;align-items:center;gap:.3rem;margin-right:1rem;min-height:40px;font-weight:400}
.checks input{width:1.2rem;height:1.2rem}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #ccc;padding:.35rem .6rem;text-align:left;vertical-align:top}
th{background:#e6e9ec}
.tree,.tree ul{list-style:none;margin:0;padding-left:1.2rem}
.tree{padding-left:0}
.tree li{margin:.2rem 0}
.search{display:flex;gap:.5rem;align-items:flex-end;flex-wrap:wrap}
.search .field{flex:1;min-width:14rem;margin:0}
.secret{font-size:1.3rem;font-weight:700;font-variant-numeric:tabular-nums;letter-spacing:.05em}
.pager{margin:1rem 0}
.narrow{max-width:28rem}
/* 代下单's booking slip (staff/behalf-order.tsx): printed for a phone-less elder, the code first */
.slip{max-width:40rem}
/* printable card sheet: 85.6 x 54 mm cards, ten to an A4 page */
.sheet{display:grid;grid-template-columns:repeat(auto-fill,85.6mm);grid-auto-rows:54mm;gap:2mm 4mm}
.pcard{width:85.6mm;height:54mm;border:.3mm dashed #555;border-radius:3mm;padding:3.5mm 4mm;background:#fff;
  color:#111;overflow:hidden;break-inside:avoid;page-break-inside:avoid;font-size:10pt;line-height:1.35;display:flex;
  flex-direction:column}
.pcard .t{font-weight:700;font-size:10pt;color:#0b5d1e;border-bottom:.3mm solid #0b5d1e;padding-bottom:1mm;
  margin-bottom:1.5mm}
.pcard .n{font-size:14pt;font-weight:700}
.pcard .c{font-size:16pt;font-weight:700;letter-spacing:.06em;font-variant-numeric:tabular-nums;margin-top:auto}
.pcard .p{font-size:11pt;font-variant-numeric:tabular-nums}
.pcard .h{font-size:8pt}
@media print{
@page{size:A4;margin:8mm}
body,.console{background:#fff}
.noprint,.console .top,.console main>h1{display:none!important}
.console .lang,.console .skip{display:none!important}
.slip{border:.3mm solid #111;max-width:150mm}
.console main{padding:0;max-width:none}
.sheet{gap:2mm 4mm}
}
`;
