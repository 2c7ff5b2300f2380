// Tool calls in the model's own chat format (Qwen's `<tool_call>{json}</tool_call>` blocks, which
// Hermes-style templates share) to and from OpenAI's `tool_calls`.
import { randomBytes } from 'node:crypto';

export const TOOL_CALL_OPEN = '<tool_call>';
const BLOCK = /<tool_call>\s*([\s\S]*?)\s*<\/tool_call>/g;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** The reply's text with its well-formed tool-call blocks taken out, and those calls. A block
 *  whose JSON does not parse stays in the text: the client then sees what the model wrote. */
export function splitToolCalls(text: string): { content: string; toolCalls: ToolCall[] } {
  const toolCalls: ToolCall[] = [];
  const content = text.replace(BLOCK, (block, json: string) => {
    const call = parseCall(json);
    if (!call) return block;
    toolCalls.push({ id: `call_${randomBytes(12).toString('hex')}`, type: 'function', function: call });
    return '';
  });
  return { content: toolCalls.length ? content.trim() : content, toolCalls };
}

function parseCall(json: string): ToolCall['function'] | undefined {
  try {
    const value = JSON.parse(json) as { name?: unknown; arguments?: unknown };
    if (typeof value.name !== 'string') return undefined;
    const args = value.arguments ?? {};
    return { name: value.name, arguments: typeof args === 'string' ? args : JSON.stringify(args) };
  } catch {
    return undefined;
  }
}

/** An earlier assistant call written back the way the model writes it. */
export function toolCallBlock(name: string, args: string): string {
  let parsed: unknown = args;
  try {
    parsed = JSON.parse(args);
  } catch {
    // Arguments the client sent as non-JSON text are kept verbatim.
  }
  return `${TOOL_CALL_OPEN}\n${JSON.stringify({ name, arguments: parsed })}\n</tool_call>`;
}

/** A tool's result as Qwen's template presents it to the model. */
export function toolResponseBlock(content: string): string {
  return `<tool_response>\n${content}\n</tool_response>`;
}

/** For templates without a tools section: the tool list as a system preamble in the same convention. */
export function toolsPreamble(tools: readonly object[]): string {
  return [
    '# Tools',
    '',
    'You may call one or more functions to assist with the user query.',
    '',
    'You are provided with function signatures within <tools></tools> XML tags:',
    '<tools>',
    ...tools.map((t) => JSON.stringify(t)),
    '</tools>',
    '',
    'For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:',
    '<tool_call>',
    '{"name": <function-name>, "arguments": <args-json-object>}',
    '</tool_call>',
  ].join('\n');
}
