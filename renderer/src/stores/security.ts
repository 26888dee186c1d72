import { defineStore } from 'pinia';
import { ref } from 'vue';

import type { ChangePinRequest, ChangePukRequest, SecurityState, UnlockPinRequest } from '../../../common/api/security';
import { useBridge } from '../bridge';

/** A JSON-safe copy of the security store's state. It never contains a PIN, PUK or ERC. */
export interface SecuritySnapshot {
  state: SecurityState | null;
}

export const useSecurityStore = defineStore('security', () => {
  const state = ref<SecurityState | null>(null);
  const loading = ref(false);
  const loadError = ref<unknown>(null);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      state.value = await useBridge().call('getSecurity');
      loadError.value = null;
    } catch (error) {
      loadError.value = error;
      throw error;
    } finally {
      loading.value = false;
    }
  }

  /**
   * Runs one change and keeps the state it returns. A failed change may still have counted a
   * wrong try, so the state is read again before the error is rethrown.
   */
  async function change(run: () => Promise<SecurityState>): Promise<void> {
    try {
      state.value = await run();
    } catch (error) {
      await load().catch(() => undefined);
      throw error;
    }
  }

  const changePin = (body: ChangePinRequest) => change(() => useBridge().call('changePin', { body }));
  const changePuk = (body: ChangePukRequest) => change(() => useBridge().call('changePuk', { body }));
  const unlockPin = (body: UnlockPinRequest) => change(() => useBridge().call('unlockPin', { body }));

  /** Returns the ERC for the caller to show once; the store never keeps it. */
  async function revealErc(password: string): Promise<string> {
    return (await useBridge().call('revealErc', { body: { password } })).erc;
  }

  function clear(): void {
    state.value = null;
    loadError.value = null;
  }

  function dehydrate(): SecuritySnapshot {
    return { state: state.value ? structuredClone(state.value) : null };
  }

  function hydrate(snapshot: SecuritySnapshot): void {
    state.value = snapshot.state ? structuredClone(snapshot.state) : null;
    loadError.value = null;
  }

  return { state, loading, loadError, load, changePin, changePuk, unlockPin, revealErc, clear, dehydrate, hydrate };
});
