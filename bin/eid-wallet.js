#!/usr/bin/env node
// The wallet simulator. Runs the TypeScript sources directly through tsx, as eid-service does.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../service/wallet-simulator/main.ts');
process.exitCode = await main(process.argv.slice(2));
