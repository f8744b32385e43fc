/** One literal segment of the index: the patterns whose literal prefix ends here, and the longer prefixes. */
interface Node<E> {
  readonly key: string;
  readonly parent: Node<E> | null;
  readonly children: Map<string, Node<E>>;
  /** In insertion order, which the registry keeps equal to subscription order. */
  readonly entries: Set<E>;
}

function node<E>(key: string, parent: Node<E> | null): Node<E> {
  return { key, parent, children: new Map(), entries: new Set() };
}

/**
 * Pattern subscriptions by their literal prefix (the segments before the first wildcard one), in
 * a tree of segments: a destination walks down its own segments and meets only the patterns whose
 * prefix it starts with, so `/topic/a/**` is never tested against `/queue/b`. Add and remove are
 * O(prefix length).
 */
export class PatternIndex<E> {
  private readonly root: Node<E> = node('', null);
  private readonly nodes = new Map<E, Node<E>>();

  /** Number of entries held. */
  get size(): number {
    return this.nodes.size;
  }

  add(entry: E, prefix: readonly string[]): void {
    let at = this.root;
    for (const segment of prefix) {
      let next = at.children.get(segment);
      if (!next) at.children.set(segment, (next = node(segment, at)));
      at = next;
    }
    at.entries.add(entry);
    this.nodes.set(entry, at);
  }

  remove(entry: E): void {
    let at = this.nodes.get(entry);
    if (!at) return;
    this.nodes.delete(entry);
    at.entries.delete(entry);
    // Drop the branch the entry leaves empty, so the tree holds only live prefixes.
    while (at.parent && at.entries.size === 0 && at.children.size === 0) {
      at.parent.children.delete(at.key);
      at = at.parent;
    }
  }

  /** The entries whose literal prefix is a leading run of `parts`, shortest prefix first. */
  candidates(parts: readonly string[]): E[] {
    const found: E[] = [...this.root.entries];
    let at: Node<E> | undefined = this.root;
    for (let i = 0; i < parts.length; i++) {
      at = at.children.get(parts[i]);
      if (!at) break;
      for (const entry of at.entries) found.push(entry);
    }
    return found;
  }
}
