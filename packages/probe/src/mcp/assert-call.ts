import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ProbeContext } from '../context.js';
import { ProbeFailure } from '../failure.js';
import { deepEqual, readPath } from '../json-path.js';
import { snippet } from '../protocol/jsonrpc.js';
import type { ToolInfo } from '../result.js';
import type { ToolCallOptions } from './options.js';
import { canonicalJson } from './tools.js';

type Validator = ReturnType<Ajv2020['compile']>;
let ajv: Ajv2020 | undefined;
/** Compiled validators by canonical schema: monitors check the same tool every interval. */
const validators = new Map<string, Validator>();
const MAX_VALIDATORS = 256;

function validatorFor(schema: object): Validator {
  const key = canonicalJson(schema);
  let validate = validators.get(key);
  if (!validate) {
    ajv ??= new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
    validate = ajv.compile(schema);
    // Ajv caches by object identity; each probe parses a new object, so drop it to keep memory flat.
    ajv.removeSchema(schema);
    if (validators.size >= MAX_VALIDATORS) validators.delete(validators.keys().next().value as string);
    validators.set(key, validate);
  }
  return validate;
}

export interface CallOutcome {
  isError: boolean;
  text: string;
  structuredContent?: unknown;
}

export function readCallResult(result: Record<string, unknown>): CallOutcome {
  const content = Array.isArray(result.content) ? result.content : [];
  const text = content
    .filter((c): c is { type: 'text'; text: string } => c?.type === 'text' && typeof c.text === 'string')
    .map((c) => c.text)
    .join('\n');
  const outcome: CallOutcome = { isError: result.isError === true, text };
  if (result.structuredContent !== undefined) outcome.structuredContent = result.structuredContent;
  return outcome;
}

/** Applies the configured checks to a tool result; the first hard failure ends the probe. */
export function assertCall(
  outcome: CallOutcome,
  tool: ToolInfo | undefined,
  options: ToolCallOptions,
  ctx: ProbeContext,
): void {
  if (
    !ctx.check(
      'call_succeeded',
      !outcome.isError,
      outcome.isError ? snippet(outcome.text) : 'isError is false',
    )
  ) {
    throw new ProbeFailure(
      'tool_error',
      `${options.tool} returned isError: ${snippet(outcome.text)}`,
      'call',
    );
  }
  if (options.textContains !== undefined) {
    const ok = outcome.text.includes(options.textContains);
    if (!ctx.check('text_contains', ok, `text ${ok ? 'contains' : 'lacks'} "${options.textContains}"`)) {
      throw new ProbeFailure(
        'assertion_failed',
        `The result text lacks "${options.textContains}": ${snippet(outcome.text)}`,
        'call',
      );
    }
  }
  if (options.textMatches !== undefined) {
    const ok = new RegExp(options.textMatches).test(outcome.text);
    if (
      !ctx.check('text_matches', ok, `text ${ok ? 'matches' : 'does not match'} /${options.textMatches}/`)
    ) {
      throw new ProbeFailure(
        'assertion_failed',
        `The result text does not match /${options.textMatches}/: ${snippet(outcome.text)}`,
        'call',
      );
    }
  }
  if (options.jsonPath !== undefined) {
    const got = readPath(outcome.structuredContent, options.jsonPath);
    const ok = got.found && ('equals' in options ? deepEqual(got.value, options.equals) : true);
    const seen = got.found ? JSON.stringify(got.value) : 'nothing';
    if (!ctx.check('json_path', ok, `${options.jsonPath} is ${seen}`)) {
      throw new ProbeFailure(
        'assertion_failed',
        `structuredContent ${options.jsonPath} is ${snippet(seen, 60)}, expected ${expectedText(options)}`,
        'call',
      );
    }
  }
  if (options.validateOutputSchema && tool?.outputSchema && typeof tool.outputSchema === 'object') {
    if (outcome.structuredContent === undefined) {
      ctx.check('output_schema', false, 'no structuredContent');
      throw new ProbeFailure(
        'output_schema_invalid',
        `${options.tool} declares an outputSchema but returned no structuredContent`,
        'call',
      );
    }
    let valid: boolean;
    let detail = 'matches outputSchema';
    try {
      const validate = validatorFor(tool.outputSchema);
      valid = validate(outcome.structuredContent) as boolean;
      if (!valid) detail = (ajv as Ajv2020).errorsText(validate.errors);
    } catch (error) {
      valid = false;
      detail = `the outputSchema itself is invalid: ${(error as Error).message}`;
    }
    if (!ctx.check('output_schema', valid, detail)) {
      throw new ProbeFailure(
        'output_schema_invalid',
        `${options.tool}'s structuredContent breaks its outputSchema: ${snippet(detail)}`,
        'call',
      );
    }
  }
}

/** What a jsonPath check wanted: with no `equals` it only needed a value (JSON.stringify gives undefined). */
function expectedText(options: { equals?: unknown }): string {
  return 'equals' in options ? snippet(String(JSON.stringify(options.equals)), 60) : 'a value';
}
