// One page of a listing and the cursor to the next: the shape every paged store read returns.
export type Page<T> = { items: T[]; cursor: string | null };
