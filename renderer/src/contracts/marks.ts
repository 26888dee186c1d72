/** Performance marks of the contract viewer, read by bench/contract-viewer.ts. */
export const viewerMarks = { open: 'contract-viewer:open', firstPage: 'contract-viewer:first-page' } as const;
