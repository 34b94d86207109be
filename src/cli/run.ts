// The process entry of `huiguan` (bin/huiguan runs its build, dist/cli/run.js): the command line, then exit
// code 1 on a refusal. `serve` keeps the process alive until a signal.
import { runCli } from './main.js';

// A reader that stopped early (`huiguan webhook deliveries | head`) closes the pipe: what is left to print has
// nowhere to go, which is no failure of the command. Anything else going wrong with the output still throws.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

const code = await runCli(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
