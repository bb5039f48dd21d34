// How a batch of P rows is cut into calls of at most `most` rows: evenly for ops that treat each row
// alone, at word boundaries for the convs (a tap reads only its own word's rows, kernels/layout.ts).

/** [from, to) ranges covering [0, P) in ⌈P / most⌉ near-equal parts (each ≥ most / 2 when there are several). */
export function evenSpans(P: number, most: number): [number, number][] {
  const parts = Math.ceil(P / most);
  const spans: [number, number][] = [];
  for (let i = 0; i < parts; i++) spans.push([Math.floor((i * P) / parts), Math.floor(((i + 1) * P) / parts)]);
  return spans;
}

/** [from, to) ranges covering the packed batch's words, whole words each, as few as fit in `most` rows. */
export function wordSpans(start: Int32Array, most: number): [number, number][] {
  const P = start.length;
  const spans: [number, number][] = [];
  let from = 0;
  while (from < P) {
    // the last word that starts within reach ends the span, unless it runs on past the reach
    let to = Math.min(from + most, P);
    if (to < P && start[to] !== to) to = start[to];
    if (to <= from) throw new RangeError(`a word of more than ${most} positions (at position ${from}) does not fit one kernel call of this backend`);
    spans.push([from, to]);
    from = to;
  }
  return spans;
}

/** start (P) of rows [from, to), as the start of a batch of its own. */
export function spanStart(start: Int32Array, from: number, to: number): Int32Array {
  if (from === 0 && to === start.length) return start; // the whole batch in one call: no copy
  const part = start.slice(from, to);
  for (let i = 0; i < part.length; i++) part[i] -= from;
  return part;
}
