// Accounts and sessions. The sync server authenticates WebSocket upgrades with createAuthenticate(db).
export { createAuthenticate, createSession, endAllSessions, endSession } from './sessions.ts'
export { hashToken } from './tokens.ts'
