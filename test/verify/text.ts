// Small text readers the checks share.

/** Whether `{` and `}` balance, outside comments and quoted strings. */
export function balanced(text: string): boolean {
  let depth = 0;
  for (const line of text.split('\n')) {
    const code = line.replace(/#.*/, '').replace(/"(?:[^"\\]|\\.)*"|'[^']*'/g, '');
    for (const ch of code) {
      if (ch === '{') depth++;
      else if (ch === '}' && --depth < 0) return false;
    }
  }
  return depth === 0;
}
