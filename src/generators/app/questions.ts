// Turns an option's description into an inquirer question, with the current proposal as its default.
import type { PromptQuestion } from 'yeoman-generator';
import { type Answers, type AnswerKey, OPTIONS } from '../../answers/options.js';
import { checkName, checkPort, checkRegistry } from '../../answers/validate.js';
import { defaultBroker, missingRequirements } from '../../components/choices.js';

const validators: Partial<Record<AnswerKey, (v: string) => true | string>> = {
  name: (v) => checkName(v.trim()) ?? true,
  registry: (v) => checkRegistry(v.trim()) ?? true,
  port: (v) => checkPort(Number(v)) ?? true,
};

export function promptQuestion(key: AnswerKey, current: Answers): PromptQuestion<Answers> {
  const spec = OPTIONS.find((o) => o.key === key)!;
  // The broker's default follows the extras typed just before it.
  const value = key === 'broker' ? defaultBroker(current) : current[key];
  switch (spec.kind) {
    case 'select':
      return { type: 'select', name: key, message: spec.message, choices: [...spec.choices], default: value };
    case 'multi':
      return {
        type: 'checkbox',
        name: key,
        message: spec.message,
        choices: spec.choices.map((c) => ({ name: c, value: c, checked: (value as string[]).includes(c) })),
        // Also the default: an unanswered checkbox (scripted prompts) would otherwise be undefined.
        default: value as string[],
        // A choice that needs another one of this question (grafana needs prometheus) says so at once.
        // Inquirer's checkbox validates the chosen choices (objects), not their values.
        validate: (chosen: readonly { value: unknown }[]) => {
          const v = chosen.map((c) => String(c.value));
          const missing = missingRequirements({ [key]: v }).map((m) => `${m.component.id} needs ${m.needs.id}${m.why}: select both or drop ${m.component.id}`);
          return missing[0] ?? true;
        },
      };
    case 'number':
      return { type: 'input', name: key, message: spec.message, default: String(value), validate: validators[key], filter: (v: string) => Number(v) };
    case 'text':
      return { type: 'input', name: key, message: spec.message, default: String(value), validate: validators[key], filter: (v: string) => v.trim() };
  }
}
