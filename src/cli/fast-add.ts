// `pydocker add <kind>` without Yeoman: the kind is given and every edit is decided by the merge, so nothing
// needs Yeoman's questions. Only a missing kind in a terminal (a question) goes to Yeoman.
import { addedMessage, loadProject, manualStepsError, planAddition, writeAddition } from '../usecase/add-service.js';

export async function fastAdd(root: string, kind: string, dryRun: boolean, broker?: string): Promise<void> {
  const ctx = await loadProject(root, (m) => console.error(m));
  const result = planAddition(ctx, kind, broker ? { broker } : {});
  if (result.status === 'present') {
    console.log(result.message);
    return;
  }
  await writeAddition(ctx, result, { dryRun, log: (l) => console.log(l) });
  console.log(addedMessage(kind, result.update.writes.length, dryRun));
  const error = manualStepsError(result.update);
  if (error) throw error;
}
