#!/usr/bin/env node
import { run } from './program.js';

// A reader that went away (`sync --json | head -c 300`) ends the run quietly, as it would `head`
// or `grep`: no stack trace, nothing more written. Nothing is lost: a cursor or journal is saved
// only once what precedes it has been written.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const code = await run(process.argv, { handleSignals: true });
// Keep-alive sockets and the embedded sandbox must not hold the process open once the work is done.
process.exit(code);
