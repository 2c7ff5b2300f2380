// Claude Code session lines for the fault tests and the soak script: one assistant turn per line.
export function assistantLine(
  i: number,
  text = `Turn ${i}: the discount rounding is off by one cent; adjusting the test now.`,
  sessionId = 'soak',
): string {
  return JSON.stringify({
    parentUuid: i === 0 ? null : `${sessionId}-a-${i - 1}`,
    cwd: '/home/dev/shop',
    sessionId,
    type: 'assistant',
    uuid: `${sessionId}-a-${i}`,
    timestamp: new Date(Date.UTC(2026, 10, 20, 9) + i * 1000).toISOString(),
    message: { role: 'assistant', model: 'claude', content: [{ type: 'text', text }] },
  });
}
