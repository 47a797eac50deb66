#!/usr/bin/env node
// The compiled CLI (built by `npm run build`, which `npm ci` runs through `prepare`).
import { run } from '../dist/src/cli/main.js';

run();
