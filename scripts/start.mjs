#!/usr/bin/env node
// `npm start`: tsx's command line, which runs server/main.ts in a child process and relays signals to it,
// with one variable added to the environment that child starts with. glibc reads MALLOC_* settings once,
// when a process starts, so the server cannot set it for itself. Why this one: every sign-up and sign-in
// hashes with scrypt (16 MB in libuv's threads), and without a fixed mmap threshold glibc keeps those
// blocks in per-thread arenas for good (docs/operations.md, "Memory"). A value set by the caller wins.
process.env.MALLOC_MMAP_THRESHOLD_ ??= '1048576'
process.argv.splice(2, 0, 'server/main.ts')
await import('tsx/cli')
