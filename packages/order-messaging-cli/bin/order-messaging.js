#!/usr/bin/env node
// The `order-messaging` bin. Committed (not built) so that package managers can link it on a
// fresh clone before anything is built; it runs the built CLI, dist/bin.js.
import '../dist/bin.js';
