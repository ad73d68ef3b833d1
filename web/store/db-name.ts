// The name of an account's local database, apart from db.ts: signing out deletes it by name, and the
// sign-in screen must not load Dexie for that.
export const dbName = (userId: string): string => `sori-${userId}`
