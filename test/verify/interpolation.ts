// Compose variable interpolation, as the Compose spec defines it: $VAR, ${VAR}, ${VAR:-default},
// ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, ${VAR+alt}; `$$` is a literal dollar.

export type Operator = '' | ':-' | '-' | ':?' | '?' | ':+' | '+';

export interface VarRef {
  name: string;
  op: Operator;
  /** Text after the operator (default, error message or alternative), itself interpolated. */
  arg: string;
}

export interface Scan {
  refs: VarRef[];
  errors: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Finds every variable reference in one string; nested references in defaults are found too. */
export function scanInterpolation(text: string): Scan {
  const refs: VarRef[] = [];
  const errors: string[] = [];
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf('$', i);
    if (at < 0) break;
    const next = text[at + 1];
    if (next === '$') {
      i = at + 2;
      continue;
    }
    if (next === '{') {
      // Find the matching brace, allowing nested ${...} in the default.
      let depth = 1;
      let j = at + 2;
      while (j < text.length && depth > 0) {
        if (text[j] === '$' && text[j + 1] === '{') {
          depth++;
          j += 2;
          continue;
        }
        if (text[j] === '}') depth--;
        j++;
      }
      if (depth > 0) {
        errors.push(`unclosed "\${" in ${JSON.stringify(text)}`);
        break;
      }
      const inner = text.slice(at + 2, j - 1);
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)([\s\S]*))?$/.exec(inner);
      if (!m) {
        errors.push(`invalid interpolation "\${${inner}}" in ${JSON.stringify(text)}`);
      } else {
        const ref: VarRef = { name: m[1]!, op: (m[2] ?? '') as Operator, arg: m[3] ?? '' };
        refs.push(ref);
        if (ref.arg) {
          const nested = scanInterpolation(ref.arg);
          refs.push(...nested.refs);
          errors.push(...nested.errors);
        }
      }
      i = j;
      continue;
    }
    const name = NAME.exec(text.slice(at + 1));
    if (name) {
      refs.push({ name: name[0], op: '', arg: '' });
      i = at + 1 + name[0].length;
      continue;
    }
    errors.push(`"$" at position ${at} of ${JSON.stringify(text)} is neither a variable nor escaped as "$$"`);
    i = at + 1;
  }
  return { refs, errors };
}

/**
 * Substitutes variables for a static look at a value: a default is used when there is one, a variable the
 * person must set becomes `placeholder(name)`.
 */
export function substitute(text: string, placeholder: (name: string) => string): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\?|\?|:\+|\+)([^{}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced, op, arg, bare) => {
    if (all === '$$') return '$';
    const name = (braced ?? bare) as string;
    if (op === ':-' || op === '-') return arg as string;
    if (op === ':+' || op === '+') return '';
    return placeholder(name);
  });
}

/** KEY=VALUE lines of an env file (comments, blank lines and `export ` ignored); quotes are removed. */
export function parseEnv(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!m) continue;
    let value = m[2]!.trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    out.set(m[1]!, value);
  }
  return out;
}

/** Every string in a parsed YAML/JSON value (not keys), with a dotted path for messages. */
export function* strings(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], `${path}[${i}]`);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) yield* strings(v, path ? `${path}.${k}` : k);
  }
}
