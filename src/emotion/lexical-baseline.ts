// The lexical baseline a reading has to beat: a multinomial naive Bayes classifier over words,
// trained on the same training stories as the vectors. A reader model's activations are computed
// from the words, so where this classifier does as well, the model adds nothing the words alone
// would not have said.

/** Lower-cased word tokens (letters, digits, apostrophes). */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
}

export class NaiveBayes {
  private constructor(
    readonly labels: readonly string[],
    private readonly logPrior: number[],
    /** Per label: log P(word | label) with add-one smoothing. */
    private readonly logLikelihood: Map<string, number>[],
    /** Per label: the log probability of a word the label never saw. */
    private readonly logUnseen: number[],
  ) {}

  /** Trains on labelled texts; every label in `labels` needs at least one text. */
  static train(docs: readonly { text: string; label: string }[], labels: readonly string[]): NaiveBayes {
    const vocabulary = new Set<string>();
    const counts = labels.map(() => new Map<string, number>());
    const totals = labels.map(() => 0);
    const docCounts = labels.map(() => 0);
    for (const d of docs) {
      const k = labels.indexOf(d.label);
      if (k < 0) continue;
      docCounts[k]++;
      for (const w of words(d.text)) {
        vocabulary.add(w);
        counts[k].set(w, (counts[k].get(w) ?? 0) + 1);
        totals[k]++;
      }
    }
    const missing = labels.filter((_, k) => docCounts[k] === 0);
    if (missing.length) throw new Error(`the lexical baseline has no training text for ${missing.join(', ')}`);
    const v = vocabulary.size;
    const docsUsed = docCounts.reduce((a, b) => a + b, 0);
    return new NaiveBayes(
      labels,
      docCounts.map((n) => Math.log(n / docsUsed)),
      counts.map((c, k) => new Map([...c].map(([w, n]) => [w, Math.log((n + 1) / (totals[k] + v))]))),
      totals.map((t) => Math.log(1 / (t + v))),
    );
  }

  /** Unnormalised log posterior per label, in the order of `labels`. */
  logScores(text: string): number[] {
    const ws = words(text);
    return this.labels.map((_, k) => {
      let s = this.logPrior[k];
      for (const w of ws) s += this.logLikelihood[k].get(w) ?? this.logUnseen[k];
      return s;
    });
  }

  /** The most probable label. */
  classify(text: string): string {
    const s = this.logScores(text);
    let best = 0;
    for (let k = 1; k < s.length; k++) if (s[k] > s[best]) best = k;
    return this.labels[best];
  }

  /** log P(label | text), normalised over the labels. */
  logPosterior(text: string, label: string): number {
    const s = this.logScores(text);
    const top = Math.max(...s);
    const total = top + Math.log(s.reduce((acc, x) => acc + Math.exp(x - top), 0));
    return s[this.labels.indexOf(label)] - total;
  }

  /** log P(a | text) − log P(b | text): the lexical counterpart of a (a − b) reading. */
  logOdds(text: string, a: string, b: string): number {
    const s = this.logScores(text);
    return s[this.labels.indexOf(a)] - s[this.labels.indexOf(b)];
  }
}
