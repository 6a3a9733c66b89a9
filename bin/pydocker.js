#!/usr/bin/env node
// Entry point of the `pydocker` command; the TypeScript sources compile to dist/.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
