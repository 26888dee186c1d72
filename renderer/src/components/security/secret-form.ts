import { checkPin, pinPolicy, pukLength } from '../../../../common/domain';
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

/** A problem with one field: a locale key checked here, or a catalogue code (with tries left) from the service. */
export type FieldProblem = { messageKey: string } | { code: ErrorCode; triesLeft?: number };

export type FieldProblems = Partial<Record<string, FieldProblem>>;

const required: FieldProblem = { messageKey: 'form.required' };

/** Checks a PIN typed as the current one: only its format, since the service checks the value. */
export function currentPinProblem(value: string): FieldProblem | undefined {
  if (value === '') return required;
  return new RegExp(`^\\d{${pinPolicy.minLength},${pinPolicy.maxLength}}$`).test(value) ? undefined : { code: 'INVALID_PIN' };
}

/** Checks a new PIN against the whole policy, as the service will. */
export function newPinProblem(value: string, personalNumber: string | undefined): FieldProblem | undefined {
  if (value === '') return required;
  const problem = checkPin(value, personalNumber);
  if (problem === null) return undefined;
  return { code: problem === 'not-digits' || problem === 'length' ? 'INVALID_PIN' : 'WEAK_PIN' };
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
