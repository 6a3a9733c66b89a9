// Writes a compose model with `yaml`: plain data in, a readable file out, with a header that says how to use it.
import { Document, isScalar, type Node, visit } from 'yaml';
import type { ComposeModel } from '../plan/types.js';

/** Short lists of scalars (commands, healthcheck tests) read best on one line, as people write them. */
const FLOW_MAX = 90;

export function composeText(model: ComposeModel, header: string): string {
  // No anchors/aliases: services that share an object stay independently editable.
  const doc = new Document(model, { aliasDuplicateObjects: false });
  styleComposeNodes(doc);
  doc.commentBefore = ` ${header.split('\n').join('\n ')}`;
  return doc.toString(COMPOSE_STRINGIFY);
}

export const COMPOSE_STRINGIFY = { lineWidth: 0, flowCollectionPadding: false } as const;

/** Words YAML 1.1 reads as booleans: as strings (restart: "no") they are quoted, so every reader agrees. */
const YAML11_BOOLEAN = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;

/** How the compose files read: short scalar lists on one line; strings that look like YAML 1.1 booleans quoted. */
export function styleComposeNodes(doc: Document | Node): void {
  visit(doc, {
    Seq(_, node) {
      if (!node.items.every(isScalar)) return;
      const width = node.items.reduce((n, i) => n + String((i as { value: unknown }).value).length + 4, 0);
      if (width <= FLOW_MAX && node.items.length > 1) node.flow = true;
    },
  });
  quoteBooleanWords(doc);
}

/**
 * Quotes string values (not keys) that a YAML 1.1 reader would take for booleans (`restart: no`). The value stays
 * the same string for YAML 1.2 readers such as Compose; also applied to a user's file when a change is merged in.
 */
export function quoteBooleanWords(doc: Document | Node): void {
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key') return;
      const plain = node.type === undefined || node.type === 'PLAIN';
      if (plain && typeof node.value === 'string' && YAML11_BOOLEAN.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
}
