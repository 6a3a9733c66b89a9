// Restructuring guard: every matrix combination recorded in test/golden/renders.json still renders to the
// same bytes (paths, modes, contents; secrets fixed). A deliberate output change re-records the file.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { combinationLabel } from '../src/answers/combinations.js';
import { fileHashes, projectHash, readGolden, unpack } from './golden/golden.js';

test('every recorded combination renders byte-identically', () => {
  const golden = readGolden();
  const first = unpack(golden.projects[0]![0]);
  const now = fileHashes(first);
  const moved = [...new Set([...Object.keys(now), ...Object.keys(golden.defaultFiles)])].filter((p) => now[p] !== golden.defaultFiles[p]);
  assert.equal(moved, [], `files of ${combinationLabel(first)} that changed`);
  const changed = golden.projects.filter(([row, hash]) => projectHash(unpack(row)) !== hash).map(([row]) => combinationLabel(unpack(row)));
  assert.equal(changed.slice(0, 10), [], `${changed.length} of ${golden.projects.length} combinations render differently`);
});

test.run();
