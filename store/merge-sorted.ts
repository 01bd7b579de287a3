/**
 * Merges already-sorted async sources into one sorted stream, holding one head per source in a
 * binary heap: memory is what the sources buffer, whatever the total length.
 */
export async function* mergeSorted<T>(sources: readonly AsyncIterable<T>[], key: (item: T) => string): AsyncGenerator<T> {
  interface Head {
    readonly item: T;
    readonly key: string;
    readonly rest: AsyncIterator<T>;
  }
  const heap: Head[] = [];
  const less = (a: number, b: number): boolean => (heap[a] as Head).key < (heap[b] as Head).key;
  const swap = (a: number, b: number): void => {
    [heap[a], heap[b]] = [heap[b] as Head, heap[a] as Head];
  };
  const push = (head: Head): void => {
    heap.push(head);
    for (let i = heap.length - 1; i > 0 && less(i, (i - 1) >> 1); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
  };
  const replaceTop = (head: Head | undefined): void => {
    const last = heap.pop() as Head;
    if (heap.length === 0) {
      if (head !== undefined) heap.push(head);
      return;
    }
    heap[0] = head ?? last;
    if (head !== undefined) heap.push(last);
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(l, m)) m = l;
      if (r < heap.length && less(r, m)) m = r;
      if (m === i) return;
      swap(i, m);
      i = m;
    }
  };
  const next = async (rest: AsyncIterator<T>): Promise<Head | undefined> => {
    const r = await rest.next();
    return r.done === true ? undefined : { item: r.value, key: key(r.value), rest };
  };

  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  try {
    // The first page of every source is fetched at once; later pages as each source runs dry.
    for (const head of await Promise.all(iterators.map(next))) if (head !== undefined) push(head);
    while (heap.length > 0) {
      const top = heap[0] as Head;
      yield top.item;
      replaceTop(await next(top.rest));
    }
  } finally {
    await Promise.all(iterators.map((it) => it.return?.()));
  }
}
