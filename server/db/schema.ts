// Migrations, oldest first. Never edit one that has shipped: add a new one.
// {{blob}} and {{serial}} are replaced per dialect; statements are separated by ';'.
export const migrations: { id: number; sql: string }[] = [
  {
    id: 1,
    sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT '',
  pass TEXT NOT NULL,
  lang TEXT NOT NULL DEFAULT 'en',
  created BIGINT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  device TEXT NOT NULL DEFAULT '',
  created BIGINT NOT NULL,
  seen BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE friends (
  user_id TEXT NOT NULL REFERENCES users(id),
  friend_id TEXT NOT NULL REFERENCES users(id),
  state TEXT NOT NULL,
  created BIGINT NOT NULL,
  PRIMARY KEY (user_id, friend_id)
);
CREATE INDEX friends_friend ON friends(friend_id);
CREATE TABLE convs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  direct_key TEXT UNIQUE,
  page INTEGER NOT NULL DEFAULT 0,
  created BIGINT NOT NULL,
  last_preview TEXT NOT NULL DEFAULT '',
  last_from TEXT NOT NULL DEFAULT '',
  last_ts BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE conv_pages (
  conv_id TEXT NOT NULL REFERENCES convs(id),
  page INTEGER NOT NULL,
  length INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conv_id, page)
);
CREATE TABLE members (
  conv_id TEXT NOT NULL REFERENCES convs(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  joined BIGINT NOT NULL,
  read_pos BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (conv_id, user_id)
);
CREATE INDEX members_user ON members(user_id);
CREATE TABLE client_ids (
  client_id BIGINT PRIMARY KEY,
  user_id TEXT NOT NULL
);
CREATE TABLE doc_updates (
  id {{serial}},
  doc TEXT NOT NULL,
  data {{blob}} NOT NULL
);
CREATE INDEX doc_updates_doc ON doc_updates(doc, id);
CREATE TABLE login_failures (
  key TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  window_start BIGINT NOT NULL
)`,
  },
  {
    // sign-in throttling (server/auth/throttle.ts): the lock's end, and which attempt last counted
    id: 2,
    sql: `
ALTER TABLE login_failures ADD COLUMN blocked_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE login_failures ADD COLUMN last_attempt TEXT NOT NULL DEFAULT ''`,
  },
  {
    // a group's owner, who may remove members (server/chats/routes.ts); existing groups: the earliest member
    id: 3,
    sql: `
ALTER TABLE convs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
UPDATE convs SET owner = COALESCE((SELECT m.user_id FROM members m WHERE m.conv_id = convs.id ORDER BY m.joined, m.user_id LIMIT 1), '')
  WHERE kind = 'group'`,
  },
  {
    // the relational mirror of the chats' latest message and current page length is written at most
    // every second (server/sync/mirror.ts); 'mirror' is the last doc_updates id it covers. Until now it
    // was written with every commit, so everything stored so far is covered.
    id: 4,
    sql: `
CREATE TABLE sync_marks (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO sync_marks (name, value) SELECT 'mirror', COALESCE(MAX(id), 0) FROM doc_updates`,
  },
  {
    // SQLite appends documents' updates here, unindexed, and moves them into doc_updates when a document
    // compacts or goes quiet (server/store/journal-store.ts); Postgres leaves it empty. doc_rows is
    // every stored update of either table.
    id: 5,
    sql: `
CREATE TABLE doc_journal (
  id {{rowid}},
  doc TEXT NOT NULL,
  data {{blob}} NOT NULL
);
CREATE VIEW doc_rows AS SELECT id, doc, data FROM doc_updates UNION ALL SELECT id, doc, data FROM doc_journal`,
  },
  {
    // who left a chat (server/chats/store.ts): their name stays on what they wrote there, through the head
    // doc's meta.names. Of those who left before, only the author of a chat's latest message is known.
    id: 6,
    sql: `
CREATE TABLE former_members (
  conv_id TEXT NOT NULL REFERENCES convs(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  left_at BIGINT NOT NULL,
  PRIMARY KEY (conv_id, user_id)
);
CREATE INDEX former_members_user ON former_members(user_id);
INSERT INTO former_members (conv_id, user_id, left_at)
  SELECT c.id, c.last_from, c.last_ts FROM convs c
   WHERE EXISTS (SELECT 1 FROM users u WHERE u.id = c.last_from)
     AND NOT EXISTS (SELECT 1 FROM members m WHERE m.conv_id = c.id AND m.user_id = c.last_from)`,
  },
  {
    // blocks in direct chats (server/chats/hidden.ts): per blocker (viewer), the read positions [from, to)
    // in which the other member's messages are hidden from them (to NULL: blocked now), where their unread
    // count starts skipping (skip), and the newest message they see (their inbox entry's preview)
    id: 7,
    sql: `
CREATE TABLE conv_hidden (
  conv_id TEXT NOT NULL REFERENCES convs(id),
  viewer_id TEXT NOT NULL REFERENCES users(id),
  author_id TEXT NOT NULL REFERENCES users(id),
  skip_pos BIGINT NOT NULL,
  from_pos BIGINT NOT NULL,
  to_pos BIGINT,
  last_preview TEXT NOT NULL DEFAULT '',
  last_from TEXT NOT NULL DEFAULT '',
  last_ts BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX conv_hidden_conv ON conv_hidden(conv_id);
CREATE INDEX conv_hidden_viewer ON conv_hidden(viewer_id)`,
  },
  {
    // invite links (server/chats/invites.ts): a group's or a person's, until `expires` or until revoked
    id: 9,
    sql: `
CREATE TABLE invites (
  token TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  creator TEXT NOT NULL REFERENCES users(id),
  created BIGINT NOT NULL,
  expires BIGINT NOT NULL,
  revoked BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX invites_creator ON invites(creator, created)`,
  },
  {
    // a member's first visible page (server/chats/routes.ts): who is invited to a group that has messages
    // starts on a fresh page and cannot open the ones before it; everyone so far sees the whole chat
    id: 10,
    sql: `ALTER TABLE members ADD COLUMN since_page INTEGER NOT NULL DEFAULT 0`,
  },
  {
    // a deleted account (server/users/delete-account.ts): when it was deleted; 0 for a live one. The row
    // stays so that what it wrote keeps an author; its handle is freed once the grace period is over
    id: 11,
    sql: `ALTER TABLE users ADD COLUMN deleted BIGINT NOT NULL DEFAULT 0`,
  },
  {
    // media (server/media/): resumable uploads in progress (their bytes in upload_parts when blobs live in
    // the database, else in files), the stored blobs (one row per upload, its id unguessable; identical
    // content shares one hash), and the chunked content store that several nodes can share
    // (server/media/pg-store.ts; blob_content, blob_chunks and upload_parts stay empty with blobs on disk)
    id: 12,
    sql: `
CREATE TABLE uploads (
  id TEXT PRIMARY KEY,
  uploader TEXT NOT NULL REFERENCES users(id),
  conv_id TEXT NOT NULL REFERENCES convs(id),
  kind TEXT NOT NULL,
  size BIGINT NOT NULL,
  received BIGINT NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  temp TEXT NOT NULL,
  created BIGINT NOT NULL,
  updated BIGINT NOT NULL,
  busy_until BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX uploads_uploader ON uploads(uploader, created);
CREATE INDEX uploads_updated ON uploads(updated);
CREATE TABLE upload_parts (
  upload_id TEXT NOT NULL,
  off BIGINT NOT NULL,
  data {{blob}} NOT NULL,
  PRIMARY KEY (upload_id, off)
);
CREATE TABLE blobs (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  uploader TEXT NOT NULL REFERENCES users(id),
  conv_id TEXT NOT NULL REFERENCES convs(id),
  kind TEXT NOT NULL,
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  width INTEGER,
  height INTEGER,
  name TEXT NOT NULL DEFAULT '',
  upload_id TEXT NOT NULL UNIQUE,
  created BIGINT NOT NULL
);
CREATE INDEX blobs_hash ON blobs(hash);
CREATE INDEX blobs_uploader ON blobs(uploader, created);
CREATE TABLE blob_content (
  hash TEXT PRIMARY KEY,
  size BIGINT NOT NULL,
  created BIGINT NOT NULL
);
CREATE TABLE blob_chunks (
  hash TEXT NOT NULL,
  idx INTEGER NOT NULL,
  data {{blob}} NOT NULL,
  PRIMARY KEY (hash, idx)
)`,
  },
  {
    // media messages (server/media/refs.ts): which message of which page names a blob, written with the
    // message's commit and deleted when it is retracted; a blob no row names is released after a grace
    // period (server/media/collector.ts), and a member may fetch a blob only through a message on a page
    // they can read. The chats' latest message says whether it is media (the chat list's preview), also
    // as the blocker of a direct chat sees it.
    id: 13,
    sql: `
CREATE TABLE blob_refs (
  conv_id TEXT NOT NULL,
  page INTEGER NOT NULL,
  msg_id TEXT NOT NULL,
  blob_id TEXT NOT NULL,
  PRIMARY KEY (conv_id, page, msg_id)
);
CREATE INDEX blob_refs_blob ON blob_refs(blob_id);
CREATE INDEX blobs_created ON blobs(created);
ALTER TABLE convs ADD COLUMN last_media TEXT NOT NULL DEFAULT '';
ALTER TABLE conv_hidden ADD COLUMN last_media TEXT NOT NULL DEFAULT ''`,
  },
  {
    // profile photos (server/media/profile-photo.ts): a user's photo is the sha256 of its content in the
    // blob store ('' for none), which the collector's sweep keeps like the content of a blob; each PUT of
    // one counts against the user's uploads an hour, so it is recorded for an hour.
    id: 14,
    sql: `
ALTER TABLE users ADD COLUMN photo TEXT NOT NULL DEFAULT '';
CREATE INDEX users_photo ON users(photo);
CREATE TABLE photo_puts (
  user_id TEXT NOT NULL,
  created BIGINT NOT NULL
);
CREATE INDEX photo_puts_user ON photo_puts(user_id, created)`,
  },
  {
    // group photos (server/media/group-photo.ts): a group's photo is the sha256 of its content in the blob
    // store ('' for none), which the collector's sweep keeps like a profile photo
    id: 15,
    sql: `
ALTER TABLE convs ADD COLUMN photo TEXT NOT NULL DEFAULT '';
CREATE INDEX convs_photo ON convs(photo)`,
  },
  {
    // Web Push (server/push/): the VAPID key pair (one row, the first node to start writes it and every
    // node reads it), one push subscription per session (a signed-in device; deleted with it), each
    // account's notification settings (do-not-disturb window, mentions in muted chats), and a member's
    // mute of a chat (0: not muted, -1: until turned back on, else until that time in ms)
    id: 16,
    sql: `
CREATE TABLE push_keys (
  id INTEGER PRIMARY KEY,
  public_key TEXT NOT NULL,
  private_key TEXT NOT NULL,
  created BIGINT NOT NULL
);
CREATE TABLE push_subs (
  session_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  lang TEXT NOT NULL,
  previews INTEGER NOT NULL,
  created BIGINT NOT NULL
);
CREATE INDEX push_subs_user ON push_subs(user_id);
CREATE TABLE push_prefs (
  user_id TEXT PRIMARY KEY,
  dnd_from TEXT NOT NULL DEFAULT '',
  dnd_to TEXT NOT NULL DEFAULT '',
  dnd_tz TEXT NOT NULL DEFAULT '',
  mentions INTEGER NOT NULL DEFAULT 1
);
ALTER TABLE members ADD COLUMN muted BIGINT NOT NULL DEFAULT 0`,
  },
  {
    // channels (server/channels/): handles of their own namespace, a search key (NFKC, lower case, of
    // handle and name) for substring search in any script, the head's running post count, current page
    // and latest post (written in the commit of the posts), and a follower count kept only rounded
    // (followers_shown, -1: not taken yet) and taken at most every SORI_CHANNEL_COUNT_MS. Follows are
    // looked up by user ("channels I follow") and counted by channel; a user's block of a channel
    // keeps them from following it.
    id: 17,
    sql: `
CREATE TABLE channels (
  id TEXT PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL,
  langs TEXT NOT NULL DEFAULT '',
  verified INTEGER NOT NULL DEFAULT 0,
  photo TEXT,
  created BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  search TEXT NOT NULL,
  page INTEGER NOT NULL DEFAULT 0,
  page_len INTEGER NOT NULL DEFAULT 0,
  posts BIGINT NOT NULL DEFAULT 0,
  last_preview TEXT NOT NULL DEFAULT '',
  last_ts BIGINT NOT NULL DEFAULT 0,
  last_kind TEXT NOT NULL DEFAULT '',
  last_id TEXT NOT NULL DEFAULT '',
  followers_shown BIGINT NOT NULL DEFAULT -1,
  followers_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX channels_category ON channels(category);
CREATE TABLE channel_admins (
  channel_id TEXT NOT NULL REFERENCES channels(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  created BIGINT NOT NULL,
  PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_admins_user ON channel_admins(user_id);
CREATE TABLE follows (
  user_id TEXT NOT NULL REFERENCES users(id),
  channel_id TEXT NOT NULL REFERENCES channels(id),
  created BIGINT NOT NULL,
  PRIMARY KEY (user_id, channel_id)
);
CREATE INDEX follows_channel ON follows(channel_id, created);
CREATE TABLE channel_blocks (
  user_id TEXT NOT NULL REFERENCES users(id),
  channel_id TEXT NOT NULL REFERENCES channels(id),
  created BIGINT NOT NULL,
  PRIMARY KEY (user_id, channel_id)
)`,
  },
  {
    // coupons of channels (server/coupons/): `redeemed` is the counter a redemption raises only while it
    // is under `quantity` (in the redemption's transaction), so that no race hands out more; a redemption
    // names the user only by a per-coupon pseudonym, once per coupon. Saves are the user's own list, read
    // by user and counted by coupon, never listed to a channel. coupon_keys: the Ed25519 seed codes are
    // signed with (and their pseudonyms derived from), made on first start like the VAPID keys.
    id: 18,
    sql: `
CREATE TABLE coupons (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL REFERENCES channels(id),
  title TEXT NOT NULL,
  terms TEXT NOT NULL DEFAULT '',
  valid_from BIGINT NOT NULL,
  valid_to BIGINT NOT NULL,
  quantity INTEGER NOT NULL,
  redeemed INTEGER NOT NULL DEFAULT 0,
  stores TEXT NOT NULL DEFAULT '[]',
  created BIGINT NOT NULL,
  created_by TEXT NOT NULL
);
CREATE INDEX coupons_channel ON coupons(channel_id, created);
CREATE TABLE coupon_saves (
  user_id TEXT NOT NULL REFERENCES users(id),
  coupon_id TEXT NOT NULL REFERENCES coupons(id),
  created BIGINT NOT NULL,
  PRIMARY KEY (user_id, coupon_id)
);
CREATE INDEX coupon_saves_coupon ON coupon_saves(coupon_id);
CREATE TABLE coupon_redemptions (
  coupon_id TEXT NOT NULL REFERENCES coupons(id),
  user_pseudonym TEXT NOT NULL,
  created BIGINT NOT NULL,
  PRIMARY KEY (coupon_id, user_pseudonym)
);
CREATE TABLE coupon_keys (
  id INTEGER PRIMARY KEY,
  seed TEXT NOT NULL,
  created BIGINT NOT NULL
)`,
  },
  {
    // pushes of channel posts (server/push/channel-lane.ts): a follower's mute of the channel (0: not
    // muted, -1: until turned back on, else until that time), and the followers of a channel paged by
    // user id in chunks (keyset), which the (channel_id, created) index cannot serve in order.
    id: 19,
    sql: `
ALTER TABLE follows ADD COLUMN muted BIGINT NOT NULL DEFAULT 0;
CREATE INDEX follows_channel_user ON follows(channel_id, user_id)`,
  },
  {
    // a user's report of a channel (server/channels/reports.ts), for the operator: one per user and
    // channel, a later one replacing it; no API shows them, least of all to the channel's admins
    id: 20,
    sql: `
CREATE TABLE channel_reports (
  channel_id TEXT NOT NULL REFERENCES channels(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  reason TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created BIGINT NOT NULL,
  PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX channel_reports_created ON channel_reports(created)`,
  },
  {
    // a channel's scheduled posts (server/channels/scheduled.ts): due at `at`, claimed by one process
    // (`sending`, `claimed`), then `sent` in the very transaction that stores the post (so a post is
    // published once even when a process dies between claim and commit: a stale claim is retried, and
    // the post's fixed id is checked against the page first)
    id: 21,
    sql: `
CREATE TABLE channel_scheduled (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL REFERENCES channels(id),
  author TEXT NOT NULL REFERENCES users(id),
  post TEXT NOT NULL,
  at BIGINT NOT NULL,
  state TEXT NOT NULL,
  claimed BIGINT NOT NULL DEFAULT 0,
  reason TEXT NOT NULL DEFAULT '',
  created BIGINT NOT NULL
);
CREATE INDEX channel_scheduled_due ON channel_scheduled(state, at);
CREATE INDEX channel_scheduled_channel ON channel_scheduled(channel_id, state, at)`,
  },
  {
    // a channel's follower count by UTC day (server/channels/history.ts), for its statistics: the
    // rounded figure last taken that day (-1: fewer than FOLLOWER_COHORT_MIN), never an exact count, so
    // it tells an admin nothing the count itself did not. A disabled channel's rows stay, like its follows.
    id: 22,
    sql: `
CREATE TABLE channel_daily (
  channel_id TEXT NOT NULL REFERENCES channels(id),
  day TEXT NOT NULL,
  followers BIGINT NOT NULL,
  PRIMARY KEY (channel_id, day)
)`,
  },
  {
    // link previews (server/previews/): what a page said about itself and its thumbnail, per URL (its
    // sha256), fresh for a day; a failure (failed: the status it gave) is kept for minutes, so that a
    // hostile or broken URL is not fetched again for every message that names it
    id: 23,
    sql: `
CREATE TABLE link_previews (
  url_hash TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  title TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  site TEXT NOT NULL DEFAULT '',
  image {{blob}},
  fetched BIGINT NOT NULL,
  failed INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX link_previews_fetched ON link_previews(fetched)`,
  },
  {
    // Sori Link (server/apps/): apps users register (domains: a JSON array of origins; icon: the sha256 of
    // its content, as users.photo; secret: kept, since Sori signs the app's webhook calls with it), the
    // templates an app stores for sendCustom, share tickets (what the app may send, bound to its user and
    // the page's origin; a snapshot of the app's name and icon and the checked template, which link
    // messages must repeat) and the chats each went to, the webhook calls due (claimed by one process with
    // a conditional UPDATE), and the key of the per-app hash of a chat's id the webhook is told
    id: 24,
    sql: `
CREATE TABLE apps (
  id TEXT PRIMARY KEY,
  owner TEXT NOT NULL REFERENCES users(id),
  name TEXT NOT NULL,
  icon TEXT NOT NULL DEFAULT '',
  domains TEXT NOT NULL,
  launch_url TEXT NOT NULL DEFAULT '',
  webhook_url TEXT NOT NULL DEFAULT '',
  app_key TEXT NOT NULL UNIQUE,
  secret TEXT NOT NULL,
  disabled INTEGER NOT NULL DEFAULT 0,
  created BIGINT NOT NULL
);
CREATE INDEX apps_owner ON apps(owner, created);
CREATE INDEX apps_icon ON apps(icon);
CREATE TABLE app_templates (
  id TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES apps(id),
  template TEXT NOT NULL,
  created BIGINT NOT NULL
);
CREATE INDEX app_templates_app ON app_templates(app_id, created);
CREATE TABLE share_tickets (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  app_id TEXT NOT NULL REFERENCES apps(id),
  origin TEXT NOT NULL,
  app TEXT NOT NULL,
  template TEXT NOT NULL,
  template_id TEXT NOT NULL DEFAULT '',
  args TEXT NOT NULL DEFAULT '',
  expires BIGINT NOT NULL,
  created BIGINT NOT NULL
);
CREATE INDEX share_tickets_expires ON share_tickets(expires);
CREATE TABLE share_ticket_chats (
  ticket_id TEXT NOT NULL,
  conv_id TEXT NOT NULL,
  PRIMARY KEY (ticket_id, conv_id)
);
CREATE TABLE link_deliveries (
  id {{serial}},
  app_id TEXT NOT NULL REFERENCES apps(id),
  template_id TEXT NOT NULL DEFAULT '',
  args TEXT NOT NULL DEFAULT '',
  chat_type TEXT NOT NULL,
  conv_id TEXT NOT NULL,
  message_id TEXT NOT NULL,
  ts BIGINT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  due BIGINT NOT NULL,
  claimed BIGINT NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX link_deliveries_due ON link_deliveries(state, due);
CREATE TABLE link_keys (
  id INTEGER PRIMARY KEY,
  seed TEXT NOT NULL,
  created BIGINT NOT NULL
)`,
  },
  {
    // channel media (server/channels/media.ts): an upload and its blob belong to a chat or to a channel,
    // exactly one of the two (SQLite cannot drop a NOT NULL, so both tables are built again); a channel
    // post naming a blob is a blob_refs row whose conv_id is the channel's id (ids of chats and channels
    // never meet), written with the post's commit. A channel's photo is the sha256 of its content, as
    // users.photo, which the collector's sweep keeps.
    id: 25,
    sql: `
CREATE TABLE uploads_next (
  id TEXT PRIMARY KEY,
  uploader TEXT NOT NULL REFERENCES users(id),
  conv_id TEXT REFERENCES convs(id),
  channel_id TEXT REFERENCES channels(id),
  kind TEXT NOT NULL,
  size BIGINT NOT NULL,
  received BIGINT NOT NULL DEFAULT 0,
  name TEXT NOT NULL DEFAULT '',
  temp TEXT NOT NULL,
  created BIGINT NOT NULL,
  updated BIGINT NOT NULL,
  busy_until BIGINT NOT NULL DEFAULT 0,
  CHECK ((conv_id IS NULL) <> (channel_id IS NULL))
);
INSERT INTO uploads_next (id, uploader, conv_id, kind, size, received, name, temp, created, updated, busy_until)
  SELECT id, uploader, conv_id, kind, size, received, name, temp, created, updated, busy_until FROM uploads;
DROP TABLE uploads;
ALTER TABLE uploads_next RENAME TO uploads;
CREATE INDEX uploads_uploader ON uploads(uploader, created);
CREATE INDEX uploads_updated ON uploads(updated);
CREATE TABLE blobs_next (
  id TEXT PRIMARY KEY,
  hash TEXT NOT NULL,
  uploader TEXT NOT NULL REFERENCES users(id),
  conv_id TEXT REFERENCES convs(id),
  channel_id TEXT REFERENCES channels(id),
  kind TEXT NOT NULL,
  mime TEXT NOT NULL,
  size BIGINT NOT NULL,
  width INTEGER,
  height INTEGER,
  name TEXT NOT NULL DEFAULT '',
  upload_id TEXT NOT NULL UNIQUE,
  created BIGINT NOT NULL,
  CHECK ((conv_id IS NULL) <> (channel_id IS NULL))
);
INSERT INTO blobs_next (id, hash, uploader, conv_id, kind, mime, size, width, height, name, upload_id, created)
  SELECT id, hash, uploader, conv_id, kind, mime, size, width, height, name, upload_id, created FROM blobs;
DROP TABLE blobs;
ALTER TABLE blobs_next RENAME TO blobs;
CREATE INDEX blobs_hash ON blobs(hash);
CREATE INDEX blobs_uploader ON blobs(uploader, created);
CREATE INDEX blobs_created ON blobs(created);
CREATE INDEX channels_photo ON channels(photo)`,
  },
  {
    // a user's chat with a channel (kind 'channel', one per user and channel: direct_key 'ch:<channel>:<user>'):
    // the user is its one member; the channel's admins reach it through channel_admins, and channel_read is
    // the read position they share (server/channels/chats.ts)
    id: 26,
    sql: `
ALTER TABLE convs ADD COLUMN channel_id TEXT REFERENCES channels(id);
ALTER TABLE convs ADD COLUMN channel_read BIGINT NOT NULL DEFAULT 0;
CREATE INDEX convs_channel ON convs(channel_id, last_ts)`,
  },
  {
    // several nodes (server/cluster/): who may commit for a home; a takeover bumps the epoch, and every
    // group commit checks its homes' epochs in its transaction, so an owner that lost its lease commits nothing
    id: 27,
    sql: `
CREATE TABLE homes (
  home TEXT PRIMARY KEY,
  epoch BIGINT NOT NULL
)`,
  },
  {
    // a channel's posts as its statistics count them (server/channels/insights.ts): a row written with each
    // post's commit, and how often readers' apps said it was shown or one of its links tapped. Counters
    // only: nothing here, nor anywhere, says who viewed or tapped.
    id: 28,
    sql: `
CREATE TABLE channel_posts (
  channel_id TEXT NOT NULL REFERENCES channels(id),
  post_id TEXT NOT NULL,
  ts BIGINT NOT NULL,
  kind TEXT NOT NULL,
  preview TEXT NOT NULL DEFAULT '',
  views BIGINT NOT NULL DEFAULT 0,
  clicks BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (channel_id, post_id)
);
CREATE INDEX channel_posts_recent ON channel_posts(channel_id, ts)`,
  },
  {
    // a channel's latest posts for some languages only (protocol/channels.ts TargetedPost, JSON), written
    // with the posts like its count: the head shows them, so that a reader's unread count and preview
    // leave out posts that are not for their language
    id: 29,
    sql: `ALTER TABLE channels ADD COLUMN targeted TEXT NOT NULL DEFAULT '[]'`,
  },
  {
    // a channel's unfollows by UTC day (server/channels/unfollows.ts), for its statistics: a counter per
    // channel and day, bumped in the transaction that ends a follow (an unfollow or a block). Counts only:
    // nothing here says who left. Rows older than a few weeks are deleted as new ones are written.
    id: 30,
    sql: `
CREATE TABLE channel_unfollows (
  channel_id TEXT NOT NULL REFERENCES channels(id),
  day TEXT NOT NULL,
  n BIGINT NOT NULL,
  PRIMARY KEY (channel_id, day)
)`,
  },
  {
    // a channel's customer groups (server/channels/groups.ts): the people its admins list by Sori ID, and a
    // feed of their own (documents ch:<group id>, counted like a channel's). Members are the listed IDs
    // that were Sori users when listed; only they, while following the channel, and its admins read it
    id: 31,
    sql: `
CREATE TABLE channel_groups (
  id TEXT PRIMARY KEY,
  channel_id TEXT NOT NULL REFERENCES channels(id),
  name TEXT NOT NULL,
  created BIGINT NOT NULL,
  page INTEGER NOT NULL DEFAULT 0,
  page_len INTEGER NOT NULL DEFAULT 0,
  posts BIGINT NOT NULL DEFAULT 0,
  last_preview TEXT NOT NULL DEFAULT '',
  last_ts BIGINT NOT NULL DEFAULT 0,
  last_kind TEXT NOT NULL DEFAULT '',
  last_id TEXT NOT NULL DEFAULT '',
  targeted TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX channel_groups_channel ON channel_groups(channel_id);
CREATE TABLE channel_group_members (
  group_id TEXT NOT NULL REFERENCES channel_groups(id),
  user_id TEXT NOT NULL REFERENCES users(id),
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX channel_group_members_user ON channel_group_members(user_id)`,
  },
  {
    // per-user budgets of work per window (server/http/budget.ts): link-preview fetches. In the database,
    // not in a node's memory, so that N nodes do not give a user N budgets
    id: 32,
    sql: `
CREATE TABLE budgets (
  key TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  used BIGINT NOT NULL
)`,
  },
  {
    // whom a group's owner removed (not who left): an invite link does not bring them back
    // (server/chats/invites.ts); a member adding them does, and drops the row (store.ts addMembers)
    id: 33,
    sql: `ALTER TABLE former_members ADD COLUMN removed INTEGER NOT NULL DEFAULT 0`,
  },
  {
    // who opened a 1:1 chat, while the other has not (POST /api/chats/direct): until its first message it is
    // on the opener's list only, as in KakaoTalk (server/chats/inbox-writer.ts); '' once both opened it
    id: 34,
    sql: `ALTER TABLE convs ADD COLUMN opened_by TEXT NOT NULL DEFAULT ''`,
  },
  {
    // a coupon code's eight digits, for a till that cannot scan its QR code (server/coupons/short-code.ts):
    // per channel, the signed code they stand for, until it expires (minutes)
    id: 35,
    sql: `
CREATE TABLE coupon_short_codes (
  channel_id TEXT NOT NULL,
  short TEXT NOT NULL,
  code TEXT NOT NULL,
  expires BIGINT NOT NULL,
  PRIMARY KEY (channel_id, short)
);
CREATE INDEX coupon_short_codes_expires ON coupon_short_codes(expires)`,
  },
  {
    // what someone blocked was before the block ('friend', 'hidden' or ''): unblocking puts them back
    // there (server/users/friends.ts), as a friend blocked by mistake is a friend again
    id: 36,
    sql: `ALTER TABLE friends ADD COLUMN before_block TEXT NOT NULL DEFAULT ''`,
  },
  {
    // a share ticket made by forwarding a card (server/apps/tickets.ts): its args, the sender's, go on to
    // the app's webhook and are not shown to the forwarder
    id: 37,
    sql: `ALTER TABLE share_tickets ADD COLUMN forwarded INTEGER NOT NULL DEFAULT 0`,
  },
  {
    // which database this is (one row, a random token): a media folder names the database it belongs to
    // (server/media/folder-owner.ts), so that two databases never share one and delete each other's media
    id: 38,
    sql: `
CREATE TABLE instance (
  id INTEGER PRIMARY KEY,
  token TEXT NOT NULL,
  created BIGINT NOT NULL
)`,
  },
]
