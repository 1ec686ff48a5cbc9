#!/usr/bin/env node
import { run } from './program.js';

const code = await run(process.argv, { handleSignals: true });
// Keep-alive sockets and the embedded sandbox must not hold the process open once the work is done.
process.exit(code);
