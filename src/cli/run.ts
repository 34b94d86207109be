// The process entry of `huiguan` (bin/huiguan runs its build, dist/cli/run.js): the command line, then exit
// code 1 on a refusal. `serve` keeps the process alive until a signal.
import { runCli } from './main.js';

const code = await runCli(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
