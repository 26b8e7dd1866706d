// What a running server must close, closed last-opened first, so that nothing is left holding a
// lease or a connection another part still needs.
export class Closers {
  readonly #list: (() => Promise<void> | void)[] = [];

  add(close: () => Promise<void> | void): void {
    this.#list.push(close);
  }

  async closeAll(): Promise<void> {
    for (const close of this.#list.splice(0).reverse()) await close();
  }
}
