import { checkPin, pinPolicy, pukLength, type PinProblem } from '../../../../common/domain';
import type { ErrorCode } from '../../../../common/errors';

/** Field specs and local checks shared by the PIN, PUK and ERC forms. */

export type SecretKind = 'pin' | 'puk' | 'password';

export interface SecretFieldSpec {
  name: string;
  /** Locale key of the label. */
  labelKey: string;
  kind: SecretKind;
  autocomplete: 'current-password' | 'new-password';
  /** The id of the policy the field follows, read out with the field. */
  hintId?: string;
}

/** A problem with one field: a locale key (with its values) checked here, or a catalogue code (with tries left) from the service. */
export type FieldProblem = { messageKey: string; values?: Record<string, unknown> } | { code: ErrorCode; triesLeft?: number };

export type FieldProblems = Partial<Record<string, FieldProblem>>;

const required: FieldProblem = { messageKey: 'form.required' };

/** Returns the problem that names the failed PIN rule, so the field shows what to change. */
function pinRuleProblem(problem: PinProblem): FieldProblem {
  return { messageKey: `security.pinRule.${problem}`, values: { min: pinPolicy.minLength, max: pinPolicy.maxLength } };
}

/** Checks a PIN typed as the current one: only its format, since the service checks the value. */
export function currentPinProblem(value: string): FieldProblem | undefined {
  if (value === '') return required;
  if (!/^\d+$/.test(value)) return pinRuleProblem('not-digits');
  return value.length < pinPolicy.minLength || value.length > pinPolicy.maxLength ? pinRuleProblem('length') : undefined;
}

/** Checks a new PIN against the whole policy, as the service will. */
export function newPinProblem(value: string, personalNumber: string | undefined): FieldProblem | undefined {
  if (value === '') return required;
  const problem = checkPin(value, personalNumber);
  return problem === null ? undefined : pinRuleProblem(problem);
}

export function pukProblem(value: string): FieldProblem | undefined {
  if (value === '') return required;
  return new RegExp(`^\\d{${pukLength}}$`).test(value) ? undefined : { code: 'INVALID_PUK' };
}

export function confirmProblem(value: string, expected: string): FieldProblem | undefined {
  if (value === '') return required;
  return value === expected ? undefined : { messageKey: 'security.mismatch' };
}

/** Drops the fields without a problem, so an empty result means the form may be sent. */
export function problemsOf(entries: Record<string, FieldProblem | undefined>): FieldProblems {
  return Object.fromEntries(Object.entries(entries).filter(([, problem]) => problem !== undefined));
}
