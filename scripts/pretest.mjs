#!/usr/bin/env node
// Runs before `npm test`: makes sure Debian's Chromium is there for the browser tests, and HAProxy and
// Redis for the tests of several nodes (installing them when we are root on a Debian machine, as CI is),
// and builds the PWA the e2e tests load.
import { existsSync } from 'node:fs'
import { execSync } from 'node:child_process'

const sh = (cmd) => execSync(cmd, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })

if (!existsSync('/usr/bin/chromium')) {
  const root = process.getuid?.() === 0
  const apt = existsSync('/usr/bin/apt-get')
  if (!root || !apt) {
    console.error(
      "The browser tests need Debian's Chromium at /usr/bin/chromium: sudo apt-get install chromium fonts-noto-cjk fonts-thai-tlwg fonts-noto-color-emoji",
    )
    process.exit(1)
  }
  console.log("Installing Debian's chromium for the browser tests…")
  sh('apt-get update -qq')
  sh('apt-get install -y -qq chromium fonts-noto-cjk fonts-thai-tlwg fonts-noto-color-emoji')
}

// the tests of several nodes (Postgres only) run HAProxy in front of them and a private redis-server each
if (process.env.DATABASE_URL && (!existsSync('/usr/sbin/haproxy') || !onPath('redis-server'))) {
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    console.error('The tests of several nodes need HAProxy and Redis: sudo apt-get install haproxy redis-server')
    process.exit(1)
  }
  console.log("Installing Debian's haproxy and redis-server for the tests of several nodes…")
  sh('apt-get update -qq')
  sh('apt-get install -y -qq haproxy redis-server')
}

function onPath(cmd) {
  try {
    execSync(`command -v ${cmd}`, { stdio: 'ignore', shell: '/bin/sh' })
    return true
  } catch {
    return false
  }
}

console.log('Building the PWA for the browser tests…')
sh('npx vite build --logLevel warn')
