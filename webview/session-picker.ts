// Which session the panel follows: the latest by default, or one picked from all watched ones.
import type { AgentSource } from '../src/core/events';
import type { SessionSummary } from '../src/contracts/sidebar-protocol';
import { h } from './dom';

const LATEST = '__latest__';

export function renderSessionPicker(
  sessions: SessionSummary[],
  labelOf: (source: AgentSource) => string,
  followLatest: boolean,
  followedKey: string | null,
  onFollow: (key: string | null) => void,
): HTMLElement {
  const select = h('vscode-single-select', { 'aria-label': 'Followed session', 'data-testid': 'session-picker' });
  select.append(h('vscode-option', { value: LATEST, selected: followLatest }, 'Follow latest'));
  for (const s of sessions) {
    const when = new Date(s.startedAt).toLocaleString([], {
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    });
    select.append(
      h(
        'vscode-option',
        { value: s.key, selected: !followLatest && s.key === followedKey, description: s.sessionId },
        `${labelOf(s.source)} · ${when} · ${s.live ? 'live' : 'ended'}`,
      ),
    );
  }
  select.addEventListener('change', () => {
    const value = (select as HTMLElement & { value: string }).value;
    onFollow(value === LATEST ? null : value);
  });
  return h('div', { class: 'picker' }, select);
}
