// `pydocker add <kind>` without Yeoman: the kind is given and every edit is decided by the merge, so nothing
// needs Yeoman's prompts or conflict handling. Only a missing kind in a terminal (a question) goes to Yeoman.
import { chmodSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONFIG_KEY } from '../generators/app/project-folder.js';
import { addedMessage, diffOf, loadProject, manualStepsError, planAddition } from '../generators/service/prepare.js';

export async function fastAdd(root: string, kind: string, dryRun: boolean, broker?: string): Promise<void> {
  const ctx = await loadProject(root, (m) => console.error(m));
  const result = planAddition(ctx, kind, broker ? { broker } : {});
  if (result.status === 'present') {
    console.log(result.message);
    return;
  }
  const { writes } = result.update;
  if (dryRun) {
    for (const f of writes) console.log(diffOf(join(root, f.path), f.path, f.content));
  } else {
    for (const f of writes) {
      const path = join(root, f.path);
      console.log(`   ${existsSync(path) ? 'edit  ' : 'create'} ${f.path}`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, f.content);
      if (f.executable) chmodSync(path, 0o755);
    }
    // State last, keeping whatever else .yo-rc.json holds.
    const rcPath = join(root, '.yo-rc.json');
    const rc = JSON.parse(readFileSync(rcPath, 'utf8')) as Record<string, Record<string, unknown>>;
    rc[CONFIG_KEY] = { ...rc[CONFIG_KEY], answers: result.next };
    writeFileSync(rcPath, `${JSON.stringify(rc, null, 2)}\n`);
  }
  console.log(addedMessage(kind, writes.length, dryRun));
  const error = manualStepsError(result.update);
  if (error) throw error;
}
