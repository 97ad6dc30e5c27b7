import { describe, expect, it } from 'vitest';
import { substitute, substituteDeep } from './env-vars.js';
import { UsageError } from './usage-error.js';

const source = { env: { TOKEN: 's3cret', EMPTY: '' } };

describe('substitute', () => {
  it('reads ${NAME} and ${env:NAME} from the environment', () => {
    expect(substitute('Bearer ${TOKEN}', source, 'x')).toBe('Bearer s3cret');
    expect(substitute('Bearer ${env:TOKEN}', source, 'x')).toBe('Bearer s3cret');
    expect(substitute('${TOKEN}-${TOKEN}', source, 'x')).toBe('s3cret-s3cret');
  });

  it('keeps an empty value, and leaves text without references alone', () => {
    expect(substitute('[${EMPTY}]', source, 'x')).toBe('[]');
    expect(substitute('no refs, $HOME and $ alone', source, 'x')).toBe('no refs, $HOME and $ alone');
  });

  it('uses ${NAME:-default} when the variable is unset or empty', () => {
    expect(substitute('${MISSING:-https://a}', source, 'x')).toBe('https://a');
    expect(substitute('${EMPTY:-fallback}', source, 'x')).toBe('fallback');
    expect(substitute('${TOKEN:-fallback}', source, 'x')).toBe('s3cret');
  });

  it('writes $${NAME} as a literal ${NAME}', () => {
    expect(substitute('$${TOKEN} is ${TOKEN}', source, 'x')).toBe('${TOKEN} is s3cret');
  });

  it('names the variable and where it was used when it is missing', () => {
    expect(() => substitute('Bearer ${API_TOKEN}', source, 'header "Authorization"')).toThrow(
      new UsageError(
        '${API_TOKEN} in header "Authorization" is not set: export API_TOKEN before running mcpwatch (write $${...} for a literal ${...})',
      ),
    );
  });

  it('explains that VS Code inputs cannot be resolved', () => {
    expect(() => substitute('${input:api-key}', source, 'env "KEY"')).toThrow(
      /\$\{input:api-key\} in env "KEY" is a VS Code input, which only VS Code can prompt for/,
    );
  });

  it('uses editor variables only where they are given', () => {
    const withWorkspace = { ...source, builtins: { workspaceFolder: '/projects/app' } };
    expect(substitute('${workspaceFolder}/bin', withWorkspace, 'x')).toBe('/projects/app/bin');
    expect(() => substitute('${workspaceFolder}/bin', source, 'the cwd')).toThrow(/in the cwd is not set/);
  });

  it('rejects references it cannot resolve instead of passing them on', () => {
    expect(() => substitute('${command:pickFile}', source, 'x')).toThrow(
      /is not a variable mcpwatch can resolve/,
    );
    expect(() => substitute('${not a name}', source, 'x')).toThrow(/is not a variable mcpwatch can resolve/);
  });
});

describe('substituteDeep', () => {
  it('substitutes strings at any depth and leaves other values alone', () => {
    expect(substituteDeep({ q: '${TOKEN}', n: 1, list: ['${TOKEN}', true, null] }, source, '--args')).toEqual(
      {
        q: 's3cret',
        n: 1,
        list: ['s3cret', true, null],
      },
    );
  });

  it('names the key of a missing variable', () => {
    expect(() => substituteDeep({ auth: { key: '${NOPE}' } }, source, '--args')).toThrow(
      /in --args \(auth\) \(key\) is not set/,
    );
  });
});
