#!/usr/bin/env node
// Runs before `npm test`: makes sure Debian's Chromium is there for the browser tests (installing it when
// we are root on a Debian machine, as CI is), and builds the PWA the e2e tests load.
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

console.log('Building the PWA for the browser tests…')
sh('npx vite build --logLevel warn')
