/** One page of a paged Quay list: its items and the opaque token of the next page, if any. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPage?: string | undefined;
}

/**
 * A list that grows a page at a time ("Load more"). Concurrent `loadMore` calls share one request, a page is
 * never appended twice, and a failed page leaves the list as it was so the user can try again.
 */
export class PagedList<T> implements Page<T> {
  private pages: T[] = [];
  private next: string | undefined;
  private pending: Promise<void> | undefined;

  private constructor(private readonly fetchPage: (nextPage: string | undefined) => Promise<Page<T>>) {}

  static async load<T>(fetchPage: (nextPage: string | undefined) => Promise<Page<T>>): Promise<PagedList<T>> {
    const list = new PagedList(fetchPage);
    const first = await fetchPage(undefined);
    list.pages = [...first.items];
    list.next = first.nextPage;
    return list;
  }

  get items(): readonly T[] {
    return this.pages;
  }

  get nextPage(): string | undefined {
    return this.next;
  }

  /**
   * Appends the next page. Resolves true for the call that fetched it, false for calls that joined a fetch
   * already under way or found no next page: exactly one caller learns "the list changed".
   */
  async loadMore(): Promise<boolean> {
    if (this.next === undefined) return false;
    if (this.pending !== undefined) {
      await this.pending;
      return false;
    }
    this.pending = this.fetchPage(this.next)
      .then((page) => {
        this.pages = [...this.pages, ...page.items];
        this.next = page.nextPage;
      })
      .finally(() => {
        this.pending = undefined;
      });
    await this.pending;
    return true;
  }
}
