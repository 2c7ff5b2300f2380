// Flags raised in the followed session, newest first, with the actions the host can take. The
// actions sit right under each flag's heading, so they are in view without scrolling; severity
// words and icons are the shared ones (src/core/signal.ts), as in the status bar and notification.
import type { FlagAction, FlagItem } from '../src/contracts/sidebar-protocol';
import { h, icon } from './dom';
import { ageOf, dateTimeOf } from './time';
import { SEVERITY_LOOK } from '../src/core/signal';

/** What a guard decision says once the user answered "was this right?". */
const GUARD_ANSWERED: Record<Exclude<FlagItem['status'], 'open'>, string> = {
  dismissed: 'you said the guard was right',
  legitimate: 'you said the edit was legitimate: the guard lets it through from now on',
  reverted: 'reverted',
};

/** `desperationCounts`: the loaded reader is validated on agent text, so a flag's desperation is shown beside its reason. */
export function renderFlags(
  flags: FlagItem[],
  desperationCounts: boolean,
  now: number,
  onAction: (id: string, action: FlagAction) => void,
): HTMLElement {
  const block = h(
    'section',
    { class: 'flags-block', 'data-testid': 'flags' },
    h('h3', {}, `Flags (${flags.filter((f) => f.status === 'open').length} open)`),
  );
  if (flags.length === 0) {
    block.append(
      h(
        'p',
        { class: 'muted' },
        'No flags. Edits to test files are checked against the behavioural pressure before them (and desperation, once the model is validated on agent text).',
      ),
    );
    return block;
  }
  const list = h('ul', { class: 'flags' });
  for (const f of flags) {
    const look = SEVERITY_LOOK[f.severity];
    const button = (action: FlagAction, codicon: string, title: string) =>
      h(
        'vscode-button',
        { secondary: true, title, 'aria-label': title, onclick: () => onAction(f.id, action) },
        icon(codicon),
        ` ${title}`,
      );
    list.append(
      h(
        'li',
        { class: `flag ${f.severity} ${f.status}`, 'data-flag': f.id },
        h(
          'div',
          { class: 'row' },
          icon(look.icon),
          h('span', { class: 'severity', 'data-testid': 'flag-severity' }, look.word),
          h('span', { class: 'flag-file', title: f.path }, f.path.split(/[\\/]/).pop() ?? f.path),
        ),
        h(
          'div',
          { class: 'flag-time muted', 'data-testid': 'flag-time', title: f.ts },
          `${dateTimeOf(f.ts)} · ${ageOf(f.ts, now)}`,
        ),
        f.status !== 'open'
          ? h('div', { class: 'muted' }, f.guard ? GUARD_ANSWERED[f.status] : f.status)
          : f.guard
            ? h(
                'div',
                { class: 'actions', 'data-testid': 'guard-question' },
                h('span', {}, 'Was this right?'),
                button('dismiss', 'check', 'Right'),
                button('legitimate', 'close', 'Wrong: legitimate'),
              )
            : h(
                'div',
                { class: 'actions' },
                button('diff', 'diff', 'Diff'),
                button('dismiss', 'close', 'Dismiss'),
                button('legitimate', 'check', 'Legitimate'),
                button('revert', 'discard', 'Revert…'),
              ),
        h(
          'div',
          { class: 'kinds' },
          ...(f.guard
            ? [h('vscode-badge', { variant: 'counter', 'data-testid': 'guard-tier' }, `guard: ${f.guard.tier}`)]
            : []),
          ...f.kinds.map((k) => h('vscode-badge', { variant: 'default' }, k)),
        ),
        h(
          'div',
          { class: 'reason' },
          f.reason,
          f.desperation === null || !desperationCounts ? '' : ` (desperation ${f.desperation.toFixed(1)}σ)`,
        ),
        f.guard
          ? h(
              'div',
              { class: 'guard-reply muted', 'data-testid': 'guard-reply' },
              f.guard.reply === null ? 'No reply from the agent yet.' : `The agent then said: “${f.guard.reply}”`,
            )
          : '',
      ),
    );
  }
  block.append(list);
  return block;
}
