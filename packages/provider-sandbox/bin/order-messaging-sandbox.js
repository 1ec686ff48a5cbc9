#!/usr/bin/env node
// The `order-messaging-sandbox` bin. Committed (not built) so that package managers can link it
// on a fresh clone before anything is built; it runs the built sandbox CLI, dist/cli.js.
import '../dist/cli.js';
