// Where the benchmark keeps its files: its projects, logs and figures in .tmp/bench; venvs and wheels are the
// live tier's (.tmp/venvs, .tmp/wheelhouse), built by the same code.
import { join } from 'node:path';
import { TMP } from '../../test/support/live/paths.js';

export const OUT = join(TMP, 'bench');
