import { defineStore } from 'pinia';
import { ref } from 'vue';

import type { ContractSummary } from '../../../common/api/contracts';
import { useBridge } from '../bridge';

/** A JSON-safe copy of the contracts store's state. */
export interface ContractsSnapshot {
  contracts: ContractSummary[] | null;
}

/** Store of the signed-in certificate's contracts. */
export const useContractsStore = defineStore('contracts', () => {
  const contracts = ref<ContractSummary[] | null>(null);
  const loading = ref(false);
  /** The error of the last failed load; cleared by the next successful one. */
  const loadError = ref<unknown>(null);

  /** Fetches the list. A failure is kept in `loadError` and rethrown, so the caller can react to an ended session. */
  async function load(): Promise<void> {
    loading.value = true;
    try {
      contracts.value = (await useBridge().call('listContracts')).contracts;
      loadError.value = null;
    } catch (error) {
      loadError.value = error;
      throw error;
    } finally {
      loading.value = false;
    }
  }

  function clear(): void {
    contracts.value = null;
    loadError.value = null;
  }

  function dehydrate(): ContractsSnapshot {
    return { contracts: contracts.value ? structuredClone(contracts.value) : null };
  }

  function hydrate(snapshot: ContractsSnapshot): void {
    contracts.value = snapshot.contracts ? structuredClone(snapshot.contracts) : null;
    loadError.value = null;
  }

  return { contracts, loading, loadError, load, clear, dehydrate, hydrate };
});
