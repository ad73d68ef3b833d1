// What a message is found by and shown as in search results (a module of its own: the message index, which
// every signed-in start loads, needs it without the query code).

/** Its text, and a file's name after it. */
export const searchText = (r: { body: string; media?: { name?: string } }): string =>
  r.media?.name ? (r.body ? `${r.body} · ${r.media.name}` : r.media.name) : r.body
