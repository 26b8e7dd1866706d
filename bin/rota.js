#!/usr/bin/env node
// Entry point of the `rota` command. Plain JavaScript so that any Node can read it and say
// clearly when it is too old (Rota runs its TypeScript sources directly on Node 24).
const [major] = process.versions.node.split('.').map(Number);
if (major < 24) {
  process.stderr.write(
    `rota needs Node.js 24 or later; this is ${process.version}.\n` +
      'Run it through npm (`npm start`, `npx rota …`), which uses the Node 24 installed as a dev dependency.\n',
  );
  process.exit(2);
}
// `rota preview … | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
