/** Entry point of the `skein` command. */
export async function main(argv: readonly string[]): Promise<void> {
  console.log(`skein: not implemented yet (${argv.join(' ')})`);
}
