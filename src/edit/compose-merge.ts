// Applies the change between two planned compose models (before and after adding a component) to the user's
// compose file, through yaml's Document API: comments, key order, extra services and values the user changed
// all survive. A value the user changed that the change also wants to change is kept and reported.
import { isDeepStrictEqual } from 'node:util';
import { type Document, isMap, isNode, isScalar, parseDocument } from 'yaml';
import { quoteBooleanWords, styleComposeNodes } from '../render/compose-file.js';

export class ComposeParseError extends Error {
  constructor(file: string, detail: string) {
    super(`${file} is not valid YAML: ${detail}. Fix it (or restore it from git), then run again; nothing was written.`);
    this.name = 'ComposeParseError';
  }
}

export interface ComposeConflict {
  path: string;
  yours: unknown;
  wanted: unknown;
}

type Data = Record<string, unknown>;
const isObject = (v: unknown): v is Data => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseCompose(file: string, text: string): Document {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const where = e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : 'unknown position';
    throw new ComposeParseError(file, `${where}: ${e.message.split('\n')[0]}`);
  }
  if (!isMap(doc.contents)) throw new ComposeParseError(file, 'the top level is not a mapping');
  return doc;
}

/** Walks before → after and applies each difference to `doc` where the user left the old value alone. */
export function applyComposeChange(doc: Document, before: Data, after: Data): ComposeConflict[] {
  const conflicts: ComposeConflict[] = [];
  const styled = (value: unknown) => {
    const node = doc.createNode(value);
    if (isNode(node)) styleComposeNodes(node);
    return node;
  };
  const set = (path: string[], value: unknown) => doc.setIn(path, styled(value));
  // A key the change adds goes where the new model has it: after the nearest key before it that the user's
  // mapping still has (so an unedited file ends up exactly as the new version writes it).
  const insert = (path: string[], value: unknown, order: string[]) => {
    const parent = doc.getIn(path.slice(0, -1), true);
    const key = path[path.length - 1]!;
    if (!isMap(parent)) return set(path, value);
    const node = styled(value);
    const keyOf = (item: { key: unknown }) => (isScalar(item.key) ? String((item.key as { value: unknown }).value) : String(item.key));
    const before = order.slice(0, order.indexOf(key)).reverse();
    const anchor = before.map((k) => parent.items.findIndex((item) => keyOf(item) === k)).find((i) => i >= 0);
    parent.items.splice(anchor === undefined ? 0 : anchor + 1, 0, doc.createPair(key, node));
  };
  const walk = (path: string[], b: unknown, a: unknown, order: string[] = []): void => {
    if (isDeepStrictEqual(b, a)) return;
    const current = doc.getIn(path) as unknown;
    const yours = current !== null && typeof current === 'object' && 'toJSON' in current ? (current as { toJSON(): unknown }).toJSON() : current;
    if (isObject(b) && isObject(a) && (yours === undefined || isObject(yours))) {
      if (yours === undefined && path.length > 0) {
        // The user removed or renamed what the change wants to extend: say so rather than recreate it.
        conflicts.push({ path: path.join('.'), yours, wanted: a });
        return;
      }
      for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) walk([...path, key], b[key], a[key], Object.keys(a));
      return;
    }
    if (a === undefined) {
      if (isDeepStrictEqual(yours, b)) doc.deleteIn(path);
      else if (yours !== undefined) conflicts.push({ path: path.join('.'), yours, wanted: undefined });
      return;
    }
    if (yours === undefined && b === undefined) {
      insert(path, a, order);
      return;
    }
    if (yours === undefined) {
      conflicts.push({ path: path.join('.'), yours, wanted: a }); // the user deleted what the change modifies
      return;
    }
    if (isDeepStrictEqual(yours, b)) {
      set(path, a);
      return;
    }
    if (!isDeepStrictEqual(yours, a)) conflicts.push({ path: path.join('.'), yours, wanted: a });
  };
  walk([], before, after);
  quoteBooleanWords(doc);
  return conflicts;
}
