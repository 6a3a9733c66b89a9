// A preset's team-wide values, as a contribution like any component's: extra env variables and requirements.
import type { Contribution, EnvVar } from '../components/types.js';
import type { PresetValues } from './load.js';

export function presetContribution(values: PresetValues): Contribution {
  const env: EnvVar[] = (values.env ?? []).map((v) => ({
    name: v.name,
    description: v.description,
    dev: v.secret ? { secret: true } : (v.value ?? ''),
    ...(v.prod !== undefined ? { prod: v.prod } : {}),
    ...(v.secret ? { requiredInProd: true } : {}),
  }));
  const appEnv = (mode: 'dev' | 'prod') =>
    Object.fromEntries(
      env.map((v) => [v.name, v.requiredInProd ? `\${${v.name}:?set ${v.name} in ${mode === 'prod' ? '.env.prod' : '.env'}}` : `\${${v.name}:-}`]),
    );
  return {
    env,
    appEnv: { dev: appEnv('dev'), prod: appEnv('prod') },
    requirements: values.requirements ?? [],
  };
}
