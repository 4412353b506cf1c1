/**
 * The checks the real chat-completions endpoint makes before it answers, with its own 400 messages,
 * `param` paths and codes (as OpenAI returns them; see the issue threads quoted in the test): the
 * model, the message list, roles, the tool-call sequence (an assistant message with `tool_calls`
 * answered by one `tool` message per `tool_call_id`, and no `tool` message without one), tool
 * definitions, `tool_choice` and `stream_options`. A client that breaks the protocol gets the same 400
 * here as from OpenAI, so a test against the test server fails where production would.
 */

export interface OpenAiErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
}

const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function invalid(message: string, param: string | null, code: string | null = null): OpenAiErrorBody {
  return { message, type: 'invalid_request_error', param, code };
}

interface Msg {
  role?: unknown;
  content?: unknown;
  tool_calls?: unknown;
  tool_call_id?: unknown;
}

/** The first protocol violation in a parsed request body, or null when the API would accept it. */
export function chatRequestError(body: Record<string, unknown>): OpenAiErrorBody | null {
  if (typeof body.model !== 'string' || !body.model) return invalid('you must provide a model parameter', null);
  const messages = body.messages;
  if (!Array.isArray(messages))
    return invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (messages.length === 0)
    return invalid(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'messages',
      'empty_array',
    );
  return messagesError(messages as Msg[]) ?? toolsError(body) ?? streamError(body);
}

function messagesError(messages: Msg[]): OpenAiErrorBody | null {
  // Tool calls of the latest assistant message still waiting for their `tool` answers.
  let open: { index: number; ids: string[] } | null = null;
  const unanswered = (o: { index: number; ids: string[] }) =>
    invalid(
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${o.ids.join(', ')}`,
      `messages.[${o.index}].role`,
    );
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (typeof m !== 'object' || m === null)
      return invalid(
        `Invalid type for 'messages[${i}]': expected an object, but got ${typeof m} instead.`,
        `messages[${i}]`,
        'invalid_type',
      );
    if (typeof m.role !== 'string' || !ROLES.includes(m.role)) {
      return invalid(
        `Invalid value: '${String(m.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        `messages[${i}].role`,
        'invalid_value',
      );
    }
    if (m.role === 'tool') {
      if (!open)
        return invalid(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${i}].role`,
        );
      if (typeof m.tool_call_id !== 'string')
        return invalid(
          `Missing required parameter: 'messages[${i}].tool_call_id'.`,
          `messages[${i}].tool_call_id`,
          'missing_required_parameter',
        );
      const at = open.ids.indexOf(m.tool_call_id);
      if (at < 0)
        return invalid(
          `Invalid parameter: 'tool_call_id' of '${m.tool_call_id}' not found in 'tool_calls' of previous message.`,
          `messages.[${i}].tool_call_id`,
        );
      if (typeof m.content !== 'string' && !Array.isArray(m.content))
        return invalid(
          `Invalid value for 'content': expected a string, got ${m.content === null ? 'null' : typeof m.content}.`,
          `messages.[${i}].content`,
        );
      open.ids.splice(at, 1);
      continue;
    }
    if (open && open.ids.length > 0) return unanswered(open);
    open = null;
    if (m.role === 'assistant' && m.tool_calls !== undefined) {
      if (!Array.isArray(m.tool_calls) || m.tool_calls.length === 0)
        return invalid(
          `Invalid 'messages[${i}].tool_calls': empty array. Expected an array with minimum length 1, but got an empty array instead.`,
          `messages[${i}].tool_calls`,
          'empty_array',
        );
      const ids: string[] = [];
      for (let j = 0; j < m.tool_calls.length; j++) {
        const tc = m.tool_calls[j] as {
          id?: unknown;
          type?: unknown;
          function?: { name?: unknown; arguments?: unknown };
        };
        const p = `messages[${i}].tool_calls[${j}]`;
        if (typeof tc?.id !== 'string')
          return invalid(`Missing required parameter: '${p}.id'.`, `${p}.id`, 'missing_required_parameter');
        if (tc.type !== 'function')
          return invalid(
            `Invalid value: '${String(tc.type)}'. Supported values are: 'function'.`,
            `${p}.type`,
            'invalid_value',
          );
        if (typeof tc.function?.name !== 'string')
          return invalid(
            `Missing required parameter: '${p}.function.name'.`,
            `${p}.function.name`,
            'missing_required_parameter',
          );
        if (typeof tc.function.arguments !== 'string')
          return invalid(
            `Missing required parameter: '${p}.function.arguments'.`,
            `${p}.function.arguments`,
            'missing_required_parameter',
          );
        ids.push(tc.id);
      }
      open = { index: i, ids };
    } else if (m.role === 'assistant') {
      if (typeof m.content !== 'string' && !Array.isArray(m.content))
        return invalid(
          `Invalid value for 'content': expected a string, got ${m.content === null || m.content === undefined ? 'null' : typeof m.content}.`,
          `messages.[${i}].content`,
        );
    } else if (typeof m.content !== 'string' && !Array.isArray(m.content)) {
      return invalid(
        `Invalid value for 'content': expected a string, got ${m.content === null || m.content === undefined ? 'null' : typeof m.content}.`,
        `messages.[${i}].content`,
      );
    }
  }
  if (open && open.ids.length > 0) return unanswered(open);
  return null;
}

function toolsError(body: Record<string, unknown>): OpenAiErrorBody | null {
  const tools = body.tools;
  if (tools === undefined) {
    if (body.tool_choice !== undefined)
      return invalid(
        "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
        'tool_choice',
      );
    return null;
  }
  if (!Array.isArray(tools))
    return invalid(
      `Invalid type for 'tools': expected an array of objects, but got ${typeof tools} instead.`,
      'tools',
      'invalid_type',
    );
  const names = new Set<string>();
  for (let i = 0; i < tools.length; i++) {
    const t = tools[i] as { type?: unknown; function?: { name?: unknown; parameters?: unknown } };
    if (t?.type !== 'function')
      return invalid(
        `Invalid value: '${String(t?.type)}'. Supported values are: 'function' and 'custom'.`,
        `tools[${i}].type`,
        'invalid_value',
      );
    const name = t.function?.name;
    if (typeof name !== 'string')
      return invalid(
        `Missing required parameter: 'tools[${i}].function.name'.`,
        `tools[${i}].function.name`,
        'missing_required_parameter',
      );
    if (!FUNCTION_NAME.test(name))
      return invalid(
        `Invalid 'tools[${i}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
        `tools[${i}].function.name`,
        'invalid_value',
      );
    names.add(name);
    const params = t.function?.parameters as { type?: unknown } | undefined;
    if (params !== undefined && (params === null || typeof params !== 'object' || params.type !== 'object')) {
      return invalid(
        `Invalid schema for function '${name}': schema must be a JSON Schema of 'type: "object"', got 'type: "${String(params?.type ?? 'None')}"'.`,
        `tools[${i}].function.parameters`,
        'invalid_function_parameters',
      );
    }
  }
  const choice = body.tool_choice;
  if (choice !== undefined && !['none', 'auto', 'required'].includes(choice as string)) {
    const named = (choice as { type?: unknown; function?: { name?: unknown } } | null)?.function?.name;
    if (typeof named !== 'string' || !names.has(named))
      return invalid(`Invalid value for 'tool_choice': ${JSON.stringify(choice)}.`, 'tool_choice', 'invalid_value');
  }
  return null;
}

function streamError(body: Record<string, unknown>): OpenAiErrorBody | null {
  if (body.stream_options !== undefined && body.stream_options !== null && body.stream !== true) {
    return invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.", 'stream_options');
  }
  return null;
}
