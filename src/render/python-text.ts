// Python source text built from free text (project names, the description): it must stay valid and within the
// line length ruff enforces (120) whatever the person typed, so generated projects pass their own lint.
export const PY_LINE = 120;

function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A docstring of `text`, on one line when it fits, else wrapped with the closing quotes on their own line. */
export function docstring(text: string, indent = 0): string {
  const pad = ' '.repeat(indent);
  const safe = text.replace(/\\/g, '\\\\').replace(/"""/g, '\\"\\"\\"').replace(/"$/, '\\"');
  if (pad.length + safe.length + 6 <= PY_LINE) return `${pad}"""${safe}"""`;
  let lines = wrapWords(safe, PY_LINE - pad.length - 4);
  // One text line plus the closing quotes would be joined back into one over-long line by ruff format:
  // wrap shorter, so the docstring really has two lines of text.
  if (lines.length === 1) lines = wrapWords(safe, Math.ceil(safe.length / 2) + 8);
  const [first = '', ...rest] = lines;
  return [`${pad}"""${first}`, ...rest.map((l) => `${pad}${l}`), `${pad}"""`].join('\n');
}

/** A Python string literal as ruff format writes it: double quotes, unless single quotes need fewer escapes. */
export function pyString(value: string): string {
  const body = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
  const doubles = (value.match(/"/g) ?? []).length;
  const singles = (value.match(/'/g) ?? []).length;
  return doubles > singles ? `'${body.replace(/'/g, "\\'")}'` : `"${body.replace(/"/g, '\\"')}"`;
}

/** `NAME = "value"` as ruff format writes it: parenthesised when the line would be too long. */
export function pyConstant(name: string, value: string): string {
  const literal = pyString(value);
  const line = `${name} = ${literal}`;
  return line.length <= PY_LINE ? line : `${name} = (\n    ${literal}\n)`;
}
