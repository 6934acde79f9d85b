// What a ledger verification answers (`npm run ledger:verify`, the streaming verifier, the reference one).

export type VerifyReport = {
  ok: boolean;
  counts: { entries: number; postings: number; accounts: number; lots: number; holds: number; reversals: number };
  problems: string[];
};

export const PROBLEMS_MAX = 200; // enough to see the shape of a failure without flooding the terminal

/** Collects problems up to PROBLEMS_MAX; `count` keeps counting past it. */
export const problemList = (): { problems: string[]; problem: (p: string) => void; count: () => number } => {
  const problems: string[] = [];
  let n = 0;
  return {
    problems,
    problem: (p) => {
      n++;
      if (problems.length < PROBLEMS_MAX) problems.push(p);
    },
    count: () => n,
  };
};
