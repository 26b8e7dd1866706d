// The `rota` command line: one subcommand per file under src/cli/.
export function main(_argv: readonly string[]): Promise<number> {
  return Promise.resolve(0);
}
