// The readable line of a history entry: its kind in Chinese, then the reason when it adds
// something. Reasons may already start with the kind (reversals are stored as "冲正：<reason>",
// and staff sometimes type the word themselves); the kind is said once, never "冲正：冲正：…".
import { ENTRY_KIND_ZH, type EntryKind } from './entry';

export const describeEntry = (kind: EntryKind, reason: string | null | undefined): string => {
  const label = ENTRY_KIND_ZH[kind];
  let rest = (reason ?? '').trim();
  // strip every leading "label：" (or the bare label); "冲正错误的补贴" keeps its words
  for (;;) {
    const next =
      rest === label
        ? ''
        : rest.startsWith(label) && /^[:：]/.test(rest.slice(label.length).trimStart())
          ? rest.slice(label.length).trimStart().slice(1).trim()
          : null;
    if (next === null) break;
    rest = next;
  }
  return rest ? `${label}：${rest}` : label;
};
