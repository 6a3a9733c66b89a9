// Writes a compose model with `yaml`: plain data in, a readable file out, with a header that says how to use it.
import { Document, isScalar, type Node, visit } from 'yaml';
import type { ComposeModel } from '../plan/types.js';

/** Short lists of scalars (commands, healthcheck tests) read best on one line, as people write them. */
const FLOW_MAX = 90;

export function composeText(model: ComposeModel, header: string): string {
  // No anchors/aliases: services that share an object stay independently editable.
  const doc = new Document(model, { aliasDuplicateObjects: false });
  flowShortLists(doc);
  doc.commentBefore = ` ${header.split('\n').join('\n ')}`;
  return doc.toString(COMPOSE_STRINGIFY);
}

export const COMPOSE_STRINGIFY = { lineWidth: 0, flowCollectionPadding: false } as const;

export function flowShortLists(doc: Document | Node): void {
  visit(doc, {
    Seq(_, node) {
      if (!node.items.every(isScalar)) return;
      const width = node.items.reduce((n, i) => n + String((i as { value: unknown }).value).length + 4, 0);
      if (width <= FLOW_MAX && node.items.length > 1) node.flow = true;
    },
  });
}
