// Markdown built from text the product did not write (test names, paths, transcript lines):
// every such text is escaped so it shows literally. Unescaped, a file could put an image that
// loads from any server, a link, or a command: URI into a hover.
import type { StoredFlag } from '../tamper/flag-store';

/**
 * Backslash-escapes every ASCII punctuation character (CommonMark allows it for all of them), so
 * no emphasis, link, image, autolink ("https:", "www."), HTML tag, entity, table cell or theme
 * icon ("$(…)") can start inside the text.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

/** The hover of a flagged line: our own heading, then the flag's details as plain text. */
export function flagHoverMarkdown(flag: Pick<StoredFlag, 'severity' | 'kinds' | 'reason'>): string {
  return `**Agent Vitals** · ${escapeMarkdown(flag.severity)} · ${escapeMarkdown(flag.kinds.join(', '))}\n\n${escapeMarkdown(flag.reason)}`;
}
