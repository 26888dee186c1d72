import { computed, nextTick, shallowRef, watch, type Ref } from 'vue';

import { useErrorText } from './errors';

/** A problem the page found itself, kept as a function so that its text follows a change of language. */
export type ProblemText = () => string;

export interface FormProblemOptions<F extends string> {
  /** The reactive values of the fields. Editing one clears the problem shown at it. */
  values: Record<F, string>;
  /** The element id of each field's input, for moving focus to it. */
  fieldIds: Record<F, string>;
  /** The fields shown now, so that a service problem at a hidden field goes to the banner. */
  visibleFields: () => readonly F[];
  /** The last error of the service, or null. */
  error: Ref<unknown>;
  /** The banner that shows an error no visible field shows. */
  errorBanner: Readonly<Ref<HTMLElement | null>>;
  /** Adds to the text of a service problem at a field, such as the tries left. */
  decorate?: (text: string, error: unknown) => string;
}

/**
 * Shows the problems of a form: the page's own checks and the service's field errors at their
 * fields, and any other service error in the banner. Focus moves to the first field with a
 * problem, or else to the banner, so that a keyboard or screen reader user meets the message.
 */
export function useFormProblems<F extends string>(options: FormProblemOptions<F>) {
  const { fieldTexts } = useErrorText();
  const localProblems = shallowRef<Partial<Record<F, ProblemText>>>({});
  // Fields edited since the service's last error, whose problem from that error no longer applies.
  const editedSinceError = shallowRef<ReadonlySet<F>>(new Set());
  const names = Object.keys(options.fieldIds) as F[];

  watch(options.error, () => {
    editedSinceError.value = new Set();
  });
  for (const name of names) {
    watch(
      () => options.values[name],
      () => {
        if (options.error.value && !editedSinceError.value.has(name)) editedSinceError.value = new Set([...editedSinceError.value, name]);
        if (!localProblems.value[name]) return;
        const others = { ...localProblems.value };
        delete others[name];
        localProblems.value = others;
      },
    );
  }

  function fieldError(name: F): string | undefined {
    const local = localProblems.value[name];
    if (local) return local();
    if (editedSinceError.value.has(name)) return undefined;
    const fromService = fieldTexts(options.error.value)[name];
    if (fromService === undefined) return undefined;
    return options.decorate ? options.decorate(fromService, options.error.value) : fromService;
  }

  /** The service error for the banner, or null when a visible field already shows it. */
  const formError = computed(() => {
    if (!options.error.value) return null;
    const visible = options.visibleFields();
    return Object.keys(fieldTexts(options.error.value)).some((name) => visible.includes(name as F)) ? null : options.error.value;
  });

  async function focusProblem(): Promise<void> {
    await nextTick();
    const first = options.visibleFields().find((name) => fieldError(name));
    const input = first ? document.getElementById(options.fieldIds[first]) : null;
    if (input) input.focus();
    else options.errorBanner.value?.focus();
  }

  /** Shows the problems the page found, moves focus to the first, and returns whether there were none. */
  function report(problems: Partial<Record<F, ProblemText>>): boolean {
    localProblems.value = problems;
    if (Object.keys(problems).length === 0) return true;
    void focusProblem();
    return false;
  }

  function clear(): void {
    localProblems.value = {};
  }

  return { fieldError, formError, focusProblem, report, clear };
}
