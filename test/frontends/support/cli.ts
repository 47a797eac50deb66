// Runs the CLI from source (tests spawn it with `node --import tsx`), exactly as bin/cors-lint.js runs the build.
import { run } from '../../../src/cli/main.js';

run();
