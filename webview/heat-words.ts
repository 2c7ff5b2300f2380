// The heat map reads in whole words: sub-word tokens ("confi" + "rm") are merged for display,
// each word heated by its strongest token, and the tokens stay available for the hover. Pure.
import type { TokenHeat } from '../src/contracts/sidebar-protocol';

export interface HeatWord {
  /** The word as written, with the whitespace that precedes it. */
  text: string;
  tokens: TokenHeat[];
}

/** A token starting with whitespace starts a new word; so does any token after whitespace. */
export function heatWords(tokens: readonly TokenHeat[]): HeatWord[] {
  const words: HeatWord[] = [];
  for (const token of tokens) {
    const last = words[words.length - 1];
    if (last && !/^\s/.test(token.text) && !/\s$/.test(last.text)) {
      last.text += token.text;
      last.tokens.push(token);
    } else {
      words.push({ text: token.text, tokens: [token] });
    }
  }
  return words;
}

/** The word's z for one emotion: its strongest token's. */
export function wordHeat(word: HeatWord, emotion: string): number {
  return Math.max(...word.tokens.map((t) => t.z[emotion] ?? 0));
}
