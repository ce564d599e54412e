// Command-line flags from one declarative table per command: the same table parses the
// arguments and prints the usage, so the two never disagree.

export type FlagType = 'string' | 'number' | 'integer' | 'boolean';

export interface FlagSpec {
  /** Long name without dashes, e.g. "weight-decay". */
  name: string;
  type: FlagType;
  /** Allowed values (string flags). */
  choices?: readonly string[];
  /** Shown in the usage; a flag without a default is optional unless `required`. */
  defaultValue?: string | number | boolean;
  required?: boolean;
  /** Placeholder shown in the usage, e.g. "N" or "FILE". */
  valueName?: string;
  /** A string flag that may be given several times; its value is then the array of all of them. */
  repeatable?: boolean;
  help: string;
}

export type FlagValues = Record<string, string | number | boolean | string[] | undefined>;

export type ParseResult = { ok: true; values: FlagValues; help: boolean } | { ok: false; error: string };

/** Parses `--name value`, `--name=value` and boolean `--name`; `--help`/`-h` is always accepted. */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParseResult {
  const values: FlagValues = {};
  for (const spec of specs) if (spec.defaultValue !== undefined) values[spec.name] = spec.defaultValue;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') { help = true; continue; }
    if (!arg.startsWith('--')) return { ok: false, error: `unexpected argument "${arg}" (flags start with --)` };
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = specs.find((s) => s.name === name);
    if (!spec) return { ok: false, error: `unknown flag --${name}` };
    if (spec.type === 'boolean') {
      if (eq >= 0) {
        const text = arg.slice(eq + 1);
        if (text !== 'true' && text !== 'false') return { ok: false, error: `--${name} takes no value (or =true/=false), got "${text}"` };
        values[name] = text === 'true';
      } else {
        values[name] = true;
      }
      continue;
    }
    let text: string;
    if (eq >= 0) text = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) return { ok: false, error: `--${name} needs a value` };
      text = argv[++i];
    }
    const parsed = parseValue(spec, text);
    if (typeof parsed === 'object') return { ok: false, error: parsed.error };
    if (spec.repeatable) {
      const earlier = values[name];
      values[name] = [...(Array.isArray(earlier) ? earlier : []), String(parsed)];
    } else {
      values[name] = parsed;
    }
  }
  if (!help) {
    for (const spec of specs) if (spec.required && values[spec.name] === undefined) return { ok: false, error: `--${spec.name} is required` };
  }
  return { ok: true, values, help };
}

function parseValue(spec: FlagSpec, text: string): string | number | { error: string } {
  if (spec.type === 'string') {
    if (spec.choices && !spec.choices.includes(text)) return { error: `--${spec.name} must be one of ${spec.choices.join(', ')}, got "${text}"` };
    if (text === '') return { error: `--${spec.name} needs a non-empty value` };
    return text;
  }
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(n)) return { error: `--${spec.name} must be a number, got "${text}"` };
  if (spec.type === 'integer' && !Number.isInteger(n)) return { error: `--${spec.name} must be a whole number, got "${text}"` };
  return n;
}

/** The flag lines of a usage text, aligned. */
export function formatFlags(specs: readonly FlagSpec[]): string {
  const left = specs.map((s) => {
    const value = s.type === 'boolean' ? '' : ` ${s.choices ? s.choices.join('|') : (s.valueName ?? 'VALUE')}`;
    return `  --${s.name}${value}`;
  });
  const width = Math.max(...left.map((l) => l.length)) + 2;
  return specs.map((s, i) => {
    const extra = s.required ? ' (required)' : s.defaultValue !== undefined && s.type !== 'boolean' ? ` (default ${s.defaultValue})` : '';
    return `${left[i].padEnd(width)}${s.help}${extra}${s.repeatable ? ' (repeatable)' : ''}`;
  }).join('\n');
}
